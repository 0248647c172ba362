import HPOLinearAlgebra
import Testing

@Suite("BLAS identification")
struct BLASInfoTests {
  @Test("the running BLAS is found, and OpenBLAS reports itself")
  func current() {
    let info = BLASInfo.current()
    #expect(info.libraryPath != nil, "no library provides cblas_dgemm?")
    if info.config != nil {
      #expect(info.name == "OpenBLAS")
      #expect(info.config?.contains("OpenBLAS") == true)
      #expect(info.coreName?.isEmpty == false)
      #expect((info.threadCount ?? 0) >= 1)
    } else {
      #expect(info.coreName == nil && info.threadCount == nil)
      #expect(info.name != "OpenBLAS")
      #expect(info.libraryPath?.contains("openblas") != true)
    }
    #expect(info.description.hasPrefix(info.name))
  }

  @Test("setThreadCount takes effect on OpenBLAS and is a no-op elsewhere")
  func threadCount() {
    let before = BLASInfo.current()
    let applied = BLASInfo.setThreadCount(1)
    #expect(applied == (before.threadCount != nil))
    if applied {
      #expect(BLASInfo.current().threadCount == 1)
      BLASInfo.setThreadCount(before.threadCount ?? 1)
      #expect(BLASInfo.current().threadCount == before.threadCount)
    }
  }

  @Test("description of a hand-made reference BLAS")
  func describe() {
    let info = BLASInfo(
      name: "reference BLAS", libraryPath: "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
      config: nil, coreName: nil, threadCount: nil)
    #expect(info.description == "reference BLAS, library /usr/lib/x86_64-linux-gnu/blas/libblas.so.3")
  }
}
