import HPOFuzzHarness

/// libFuzzer's entry for the file-bundle target (the input format and the properties: FuzzTarget.bundle).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  FuzzTarget.bundle.fuzz(data, size)
}
