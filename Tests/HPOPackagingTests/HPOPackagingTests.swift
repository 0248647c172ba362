import Testing
@testable import HPOPackaging
