import HPOFuzzHarness

/// libFuzzer's entry for the csv target (the input format and the properties: FuzzTarget.csv).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  FuzzTarget.csv.fuzz(data, size)
}
