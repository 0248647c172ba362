import HPOFuzzHarness

/// libFuzzer's entry for the experiment target (the input format and the properties: FuzzTarget.experiment).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExperiment(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  FuzzTarget.experiment.fuzz(data, size)
}
