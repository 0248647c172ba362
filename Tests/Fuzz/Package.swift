// swift-tools-version:6.0
// libFuzzer executables for hpo's readers of untrusted bytes, one per reader,
// built with `swift build --sanitize=fuzzer --sanitize=address` by
// Cluster/test-fuzz. The input mapping and the properties live in the root
// package's HPOFuzzHarness (Tests/FuzzHarness), which FuzzRegressionTests also
// runs; seeds in Corpus/<target>/, inputs that once crashed in Crashes/<target>/.
// A package of its own, so the normal build and tests never link libFuzzer.
import Foundation
import PackageDescription

let package = Package(
  name: "hpo-fuzz",
  platforms: [.macOS(.v15)],
  dependencies: [.package(path: "../..")],
  targets: ["Wire", "Experiment", "CSV", "Checkpoint", "Package", "Bundle"].map { name in
    .executableTarget(name: "Fuzz\(name)", dependencies: [.product(name: "HPOFuzzHarness", package: rootIdentity())])
  }
)

/// The root package's identity: its folder's name, lowercased ("hpo" in a
/// clone named hpo, a worktree's folder name elsewhere).
func rootIdentity() -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()
}
