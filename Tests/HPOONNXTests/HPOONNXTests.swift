import Testing
@testable import HPOONNX
