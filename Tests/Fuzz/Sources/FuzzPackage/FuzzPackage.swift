import HPOFuzzHarness

/// libFuzzer's entry for the package target (the input format and the properties: FuzzTarget.package).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPackage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  FuzzTarget.package.fuzz(data, size)
}
