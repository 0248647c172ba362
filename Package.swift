// swift-tools-version:6.0
// hpo: a distributed training and hyperparameter-search coordinator.
// Module map and the rules that keep it honest: README.md, "Modules".
import PackageDescription

let package = Package(
  name: "hpo",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "hpo", targets: ["hpo"]),
    // The fuzz harness, for the libFuzzer executables in Tests/Fuzz (a package of its own).
    .library(name: "HPOFuzzHarness", targets: ["HPOFuzzHarness"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
  ],
  targets: [
    // C behind a wall: one system-library target per C library, each imported
    // `private`ly by exactly one Swift module.
    .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
    .systemLibrary(
      name: "CLinearAlgebra", pkgConfig: "lapacke",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
    .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

    // The vocabulary: experiment spec and its validation, search space, trials,
    // typed states; the one way to do small things (atomic files, SHA-256 hex, locks).
    .target(name: "HPOCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
    // The only module with BLAS/LAPACK pointers.
    .target(name: "HPOLinearAlgebra", dependencies: ["CLinearAlgebra"]),
    // The only module with libzmq handles.
    // It implements HPOWire's transports over ROUTER/DEALER sockets.
    .target(name: "HPOZeroMQ", dependencies: ["CZeroMQ", "HPOCore", "HPOWire"]),
    // Collectives between the members of a gang (all-reduce, broadcast, barrier),
    // peer to peer over HPOZeroMQ's sockets, with deadlines.
    .target(name: "HPOCollectives", dependencies: ["HPOCore", "HPOWire"]),
    // Pure, seeded search algorithms: samplers and schedulers.
    .target(name: "HPOSearch", dependencies: ["HPOCore", "HPOLinearAlgebra"]),
    // The one CSV tokenizer and IDX reader; the one read → validate → split → shard pipeline.
    .target(
      name: "HPOData",
      dependencies: [
        "HPOCore", "CZlib",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // Trainable models, losses, optimizers, metrics, checkpoints.
    .target(
      name: "HPOModels",
      dependencies: [
        "HPOCore", "HPOLinearAlgebra", "HPOData",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // Talking to a coordinator (submit, follow, status, trials, cancel) for the CLI and tests.
    .target(name: "HPOClient", dependencies: ["HPOCore", "HPOWire", "HPOStore"]),

    // The experiment store: SQLite through GRDB, written only by the coordinator.
    .target(
      name: "HPOStore",
      dependencies: [
        "HPOCore", .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    // Protocol messages between coordinator, workers and clients, and their codec.
    .target(name: "HPOWire", dependencies: ["HPOCore"]),

    // The coordinator service: experiments, leases, dispatch, decisions, checkpoints.
    // Data preparation and the release stage reach it through protocols it declares.
    .target(
      name: "HPOCoordinator",
      dependencies: [
        "HPOCore", "HPOStore", "HPOWire",
        .product(name: "Logging", package: "swift-log"),
      ]),
    // The worker service: trial runner, shard cache, progress reports.
    .target(
      name: "HPOWorker",
      dependencies: [
        "HPOCore", "HPOWire", "HPOData", "HPOModels", "HPOCollectives",
        .product(name: "Logging", package: "swift-log"),
      ]),

    // ONNX export of trained models (protobuf encoding through swift-protobuf;
    // the generated onnx.pb.swift is committed, not generated at build time).
    .target(
      name: "HPOONNX",
      dependencies: [
        "HPOCore", "HPOData", "HPOModels",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      exclude: ["Generated/README.md"]),
    // After the search: winner evaluation, gates, champion, package writing, registry.
    .target(
      name: "HPORelease",
      dependencies: [
        "HPOCore", "HPOData", "HPOModels", "HPOONNX", "HPOStore", "HPODrift", "HPOReports", "HPOLinearAlgebra",
        .product(name: "Logging", package: "swift-log"),
      ]),
    // Data profiles, drift statistics and decisions.
    .target(name: "HPODrift", dependencies: ["HPOCore", "HPOData"]),
    // What people read: Markdown, JUnit and HTML reports, and their chart data.
    .target(name: "HPOReports", dependencies: ["HPOCore", "HPOStore"]),

    // Prometheus metrics of a coordinator, rendered as text (served at `/metrics` by
    // HPODashboard's server: `hpo coordinator --http HOST:PORT`).
    .target(
      name: "HPOMetrics",
      dependencies: [
        "HPOCoordinator",
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]),

    // The live dashboard (`hpo dashboard`): the HTTP server, the read-only JSON API over a store
    // and the web page, its assets and the charting library (d3, Debian's node-d3) compiled in
    // by the EmbedWebAssets build plugin.
    .target(
      name: "HPODashboard",
      dependencies: [
        "HPOCore", "HPOStore", "HPOReports", .product(name: "FlyingFox", package: "FlyingFox"),
        .product(name: "FlyingSocks", package: "FlyingFox"),
      ],
      exclude: ["Assets"],
      plugins: ["EmbedWebAssets"]),
    // Writes the dashboard's files (Assets/ and the libraries apt installed) into one generated
    // Swift source at build time; the build fails naming a missing file and its Debian package.
    .plugin(name: "EmbedWebAssets", capability: .buildTool(), dependencies: ["hpo-embed-assets"]),
    .executableTarget(name: "hpo-embed-assets", path: "Plugins/EmbedWebAssetsGenerator"),

    // The process manager of `hpo run`: starts, watches, restarts and stops its children.
    .target(
      name: "HPOSupervisor",
      dependencies: ["HPOCore"]),

    // The executable: a thin CLI tree over the modules above.
    .executableTarget(
      name: "hpo",
      dependencies: [
        "HPOCore", "HPOWire", "HPOZeroMQ", "HPOCoordinator", "HPOWorker", "HPOStore", "HPOSearch", "HPOClient",
        "HPOData", "HPOModels", "HPOLinearAlgebra", "HPOONNX", "HPORelease", "HPODrift", "HPOReports", "HPOMetrics",
        "HPODashboard", "HPOSupervisor", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    // Helpers shared by test targets (temporary folders, running Python fixtures).
    .target(name: "HPOTestSupport", path: "Tests/HPOTestSupport"),
    // The readers of untrusted bytes as fuzz targets: input mapping and properties,
    // shared by the libFuzzer executables (Tests/Fuzz) and FuzzRegressionTests.
    .target(
      name: "HPOFuzzHarness",
      dependencies: [
        "HPOCore", "HPOWire", "HPOData", "HPOModels", "HPODrift", "HPORelease",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      path: "Tests/FuzzHarness"),
    .testTarget(name: "HPOCoreTests", dependencies: ["HPOCore"]),
    .testTarget(name: "HPOLinearAlgebraTests", dependencies: ["HPOLinearAlgebra"]),
    .testTarget(name: "HPOZeroMQTests", dependencies: ["HPOZeroMQ"]),
    // A test helper (not a product): one gang member as its own process.
    .executableTarget(
      name: "hpo-collectives-probe", dependencies: ["HPOCollectives", "HPOZeroMQ", "HPOCore"],
      path: "Tests/CollectivesProbe"),
    .testTarget(
      name: "HPOCollectivesTests",
      dependencies: ["HPOCollectives", "HPOZeroMQ", "HPOCore", "HPOTestSupport", "hpo-collectives-probe"]),
    .testTarget(
      name: "HPOStoreTests",
      dependencies: ["HPOStore", "HPOCore", .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Fixtures"]),
    .testTarget(name: "HPOWireTests", dependencies: ["HPOWire", "HPOCore"], exclude: ["Fixtures"]),
    .testTarget(
      name: "HPOCoordinatorTests",
      dependencies: ["HPOCoordinator", "HPOStore", "HPOWire", "HPOCore", "HPOSearch", "HPOData", "HPORelease"]),
    .testTarget(name: "HPOSearchTests", dependencies: ["HPOSearch", "HPOCore"]),
    .testTarget(name: "HPODataTests", dependencies: ["HPOData", "HPOCore"]),
    .testTarget(name: "HPOModelsTests", dependencies: ["HPOModels", "HPOData", "HPOCore"]),
    .testTarget(name: "HPOONNXTests", dependencies: ["HPOONNX", "HPOModels", "HPOData", "HPOCore"]),
    .testTarget(
      name: "HPOReleaseTests",
      dependencies: ["HPORelease", "HPODrift", "HPOModels", "HPOData", "HPOStore", "HPOCore", "HPOTestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "HPODriftTests", dependencies: ["HPODrift", "HPOData", "HPOCore", "HPOTestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "HPOReportsTests", dependencies: ["HPOReports", "HPOStore", "HPOCore", "HPOTestSupport"]),
    .testTarget(name: "HPOClientTests", dependencies: ["HPOClient", "HPOWire", "HPOCore"]),
    // The dashboard's trial-table benchmark (Experiments/benchmarks/dashboard/run.sh), not a test.
    .executableTarget(
      name: "hpo-dashboard-bench", dependencies: ["HPODashboard", "HPOStore", "HPOCore"],
      path: "Experiments/benchmarks/dashboard/bench"),
    // Writes the store of the dashboard's page-load benchmark (Experiments/benchmarks/dashboard/page-load.sh).
    .executableTarget(
      name: "hpo-dashboard-page-bench", dependencies: ["HPOStore", "HPOCore"],
      path: "Experiments/benchmarks/dashboard/page"),
    // In-process servers: Cluster/test runs these tests on their own (see there).
    .testTarget(name: "HPODashboardTests", dependencies: ["HPODashboard", "HPOStore", "HPOCore", "HPOReports"]),
    .testTarget(name: "HPOMetricsTests", dependencies: ["HPOMetrics", "HPOCoordinator", "HPOCore"]),
    // Command trials run the built `hpo` as their guard (`hpo command-guard`).
    .testTarget(name: "HPOWorkerTests", dependencies: ["HPOWorker", "HPOWire", "HPOCore", "HPOTestSupport", "hpo"]),
    // A test helper (not a product): a process that orphans a grandchild, with and without ChildSubreaper.
    .executableTarget(name: "hpo-subreaper-probe", dependencies: ["HPOSupervisor"], path: "Tests/SubreaperProbe"),
    .testTarget(name: "HPOSupervisorTests", dependencies: ["HPOSupervisor", "HPOTestSupport", "hpo-subreaper-probe"]),
    // The fuzz seeds and every input that once crashed a reader, replayed.
    .testTarget(name: "FuzzRegressionTests", dependencies: ["HPOFuzzHarness"]),
    // The module map in the README against the sources' imports.
    .testTarget(name: "ArchitectureTests"),
    // Runs the built `hpo` binary as a user would.
    .testTarget(
      name: "HPOEndToEndTests",
      dependencies: ["hpo", "HPOCore", "HPOData", "HPOStore", "HPOWire", "HPOZeroMQ", "HPORelease", "HPOTestSupport"]),
  ]
)
