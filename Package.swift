// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "tablejohn",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TablejohnKit", targets: ["TablejohnKit"]),
        .executable(name: "tablejohnd", targets: ["tablejohnd"]),
        .executable(name: "tjctl", targets: ["tjctl"]),
        .executable(name: "tjbench", targets: ["tjbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .target(name: "CProcess"),
        .target(name: "CGitStream", dependencies: ["CGit2"]),
        // toml++ (libtomlplusplus-dev, header-only) behind a plain C API: the configuration reader.
        .target(name: "CTOMLShim", linkerSettings: [.linkedLibrary("stdc++")]),
        .executableTarget(name: "AssetEmbedder", swiftSettings: strict),
        .plugin(name: "EmbedAssets", capability: .buildTool(), dependencies: ["AssetEmbedder"]),
        .target(
            name: "TablejohnKit",
            dependencies: [
                "CGit2",
                "CGitStream",
                "CArchive",
                "CProcess",
                "CJansson",
                "CTOMLShim",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["Web/Assets"],
            swiftSettings: strict,
            plugins: ["EmbedAssets"]
        ),
        .executableTarget(
            name: "tablejohnd",
            dependencies: [
                "TablejohnKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tjctl",
            dependencies: [
                "TablejohnKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tjbench",
            dependencies: [
                "TablejohnKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The embedding example (README, "Embedding tablejohn"): built with everything, run by the tests.
        .executableTarget(
            name: "tablejohn-embedding",
            dependencies: [
                "TablejohnKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "contrib/embedding",
            swiftSettings: strict
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TablejohnKitTests",
            dependencies: [
                "TablejohnKit",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/TablejohnKitTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TablejohnKit",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Integration/IntegrationTests",
            swiftSettings: strict
        ),
    ],
    cxxLanguageStandard: .cxx17
)
