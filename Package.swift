// swift-tools-version:6.0
// hpo: a distributed training and hyperparameter-search coordinator.
// Module map and the rules that keep it honest: README.md, "Modules".
import PackageDescription

let package = Package(
  name: "hpo",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "hpo", targets: ["hpo"]),
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

    // The vocabulary: experiment spec and its validation, search space, trials.
    .target(name: "HPOCore"),
    // The only module with BLAS/LAPACK pointers.
    .target(name: "HPOLinearAlgebra", dependencies: ["CLinearAlgebra"]),
    // The only module with libzmq handles.
    // It implements HPOWire's transports over ROUTER/DEALER sockets.
    .target(name: "HPOZeroMQ", dependencies: ["CZeroMQ", "HPOWire"]),
    // Pure, seeded search algorithms: samplers and schedulers.
    .target(name: "HPOSearch", dependencies: ["HPOCore", "HPOLinearAlgebra"]),
    // Reading, validating, splitting and sharding data.
    .target(
      name: "HPOData",
      dependencies: [
        "HPOCore", "HPOLinearAlgebra", "CZlib",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // Trainable models, losses, optimizers, metrics, checkpoints.
    .target(
      name: "HPOModels",
      dependencies: [
        "HPOCore", "HPOLinearAlgebra", "HPOData",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // The experiment store: SQLite through GRDB, written only by the coordinator.
    .target(
      name: "HPOStore",
      dependencies: [
        "HPOCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // Protocol messages between coordinator, workers and clients, and their codec.
    .target(name: "HPOWire", dependencies: ["HPOCore"]),

    // The coordinator service: experiments, leases, dispatch, decisions, checkpoints.
    .target(
      name: "HPOCoordinator",
      dependencies: [
        "HPOCore", "HPOSearch", "HPOStore", "HPOWire", "HPOData", "HPOPackaging",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    // The worker service: trial runner, shard cache, progress reports.
    .target(
      name: "HPOWorker",
      dependencies: [
        "HPOCore", "HPOWire", "HPOData", "HPOModels",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
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
    // After the search: held-out evaluation, release gates, packages, registry, reports.
    .target(
      name: "HPOPackaging",
      dependencies: [
        "HPOCore", "HPOData", "HPOModels", "HPOStore", "HPOLinearAlgebra",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // Prometheus metrics of a coordinator, served over HTTP (`hpo coordinator --metrics-port`).
    .target(
      name: "HPOMetrics",
      dependencies: [
        "HPOCoordinator",
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "FlyingFox", package: "FlyingFox"),
      ]),

    // The executable: a thin CLI tree over the modules above.
    .executableTarget(
      name: "hpo",
      dependencies: [
        "HPOCore", "HPOWire", "HPOZeroMQ", "HPOCoordinator", "HPOWorker", "HPOStore", "HPOSearch",
        "HPOData", "HPOModels", "HPOLinearAlgebra", "HPOONNX", "HPOPackaging", "HPOMetrics",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    .testTarget(name: "HPOCoreTests", dependencies: ["HPOCore"]),
    .testTarget(name: "HPOLinearAlgebraTests", dependencies: ["HPOLinearAlgebra"]),
    .testTarget(name: "HPOZeroMQTests", dependencies: ["HPOZeroMQ"]),
    .testTarget(
      name: "HPOStoreTests",
      dependencies: ["HPOStore", "HPOCore", .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Fixtures"]),
    .testTarget(name: "HPOWireTests", dependencies: ["HPOWire", "HPOCore"], exclude: ["Fixtures"]),
    .testTarget(name: "HPOCoordinatorTests", dependencies: ["HPOCoordinator", "HPOStore", "HPOWire", "HPOCore", "HPOSearch", "HPOPackaging"]),
    .testTarget(name: "HPOSearchTests", dependencies: ["HPOSearch", "HPOCore"]),
    .testTarget(name: "HPODataTests", dependencies: ["HPOData", "HPOCore"]),
    .testTarget(name: "HPOModelsTests", dependencies: ["HPOModels", "HPOData", "HPOCore"]),
    .testTarget(name: "HPOONNXTests", dependencies: ["HPOONNX", "HPOModels", "HPOData", "HPOCore"]),
    .testTarget(name: "HPOPackagingTests", dependencies: ["HPOPackaging", "HPOModels", "HPOData", "HPOStore", "HPOCore"]),
    .testTarget(name: "HPOMetricsTests", dependencies: ["HPOMetrics", "HPOCoordinator"]),
    .testTarget(name: "HPOWorkerTests", dependencies: ["HPOWorker", "HPOWire", "HPOCore"]),
    // Runs the built `hpo` binary as a user would.
    .testTarget(name: "HPOEndToEndTests", dependencies: ["hpo", "HPOCore", "HPOData", "HPOStore", "HPOWire", "HPOZeroMQ"]),
  ]
)
