import HPOFuzzHarness

/// libFuzzer's entry for the wire target (the input format and the properties: FuzzTarget.wire).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  FuzzTarget.wire.fuzz(data, size)
}
