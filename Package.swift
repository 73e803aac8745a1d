// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "EMImpute",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "EMImpute", targets: ["EMImpute"]),
        .executable(name: "emimpute", targets: ["emimpute"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, wrapped by module maps (neither ships a pkg-config file we can rely on).
        .systemLibrary(name: "CLibCSV", providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),

        // Pure numerics: matrices, Cholesky, missingness patterns, Gaussian EM. No files, no printing.
        .target(name: "EMImputeCore", dependencies: ["COpenBLAS"]),
        // CSV reading (the only importer of CLibCSV), byte-exact writing, reports.
        .target(name: "EMImputeIO", dependencies: ["EMImputeCore", "CLibCSV"]),
        // The umbrella that analytics code imports.
        .target(name: "EMImpute", dependencies: ["EMImputeCore", "EMImputeIO"]),
        // The command-line tool: parses options, wires IO to the core, maps errors to exit codes.
        .executableTarget(
            name: "emimpute",
            dependencies: [
                "EMImpute",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "EMImputeCoreTests", dependencies: ["EMImputeCore"]),
        .testTarget(
            name: "EMImputeIOTests",
            dependencies: ["EMImputeIO"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "CLITests", dependencies: ["emimpute", "EMImpute"]),
    ]
)
