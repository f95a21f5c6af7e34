// swift-tools-version:6.1
// libFuzzer targets for tablejohn's parsers, built against the root package's library.
// Build and run them with contrib/fuzz.sh, which adds the coverage instrumentation and links libFuzzer.
import PackageDescription

let package = Package(
    name: "tablejohn-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tablejohn", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        // One binary for every target, TJFUZZ_TARGET picks one: linking the library
        // five times would cost more than it tells.
        .executableTarget(
            name: "tjfuzz",
            dependencies: [
                "CLibFuzzer",
                .product(name: "TablejohnKit", package: "tablejohn"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
