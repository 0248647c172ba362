import HPOFuzzHarness

/// libFuzzer's entry for the checkpoint target (the input format and the properties: FuzzTarget.checkpoint).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  FuzzTarget.checkpoint.fuzz(data, size)
}
