// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The products more than one target names, each spelled once.
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")

/// What a Hummingbird server of ours (either emulator, serve) is built on.
let server: [Target.Dependency] = [hummingbird, logging, httpTypes, serviceLifecycle, nioCore]

let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")

/// An emulator's route tests: `app.test(.router)` and the wire types.
let emulatorTests: [Target.Dependency] = ["EmulatorKit", "TestSupportKit", hummingbirdTesting, httpTypes, nioCore]

/// A library target in the house's language mode.
func library(_ name: String, _ dependencies: [Target.Dependency] = [], path: String? = nil) -> Target {
    .target(name: name, dependencies: dependencies, path: path, swiftSettings: strict)
}

/// An executable target in the house's language mode.
func executable(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies, swiftSettings: strict)
}

/// A test target in the house's language mode.
func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, swiftSettings: strict)
}

let package = Package(
    name: "nim-migrate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "nim-migrate", targets: ["nim-migrate"]),
        .library(name: "MigrationCore", targets: ["MigrationCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // NIM calls over TLS on the tool's own keep-alive connections (NIMClient's OriginPool).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Imported directly by the emulator and serve (also what Hummingbird brings).
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // serve's GET /metrics: swift-metrics handles over a swift-prometheus registry (DualRun only).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // CSV in (users.accid_map) through a library: quoted fields, commas in accids.
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        // The emulator reads multipart uploads with a maintained parser, not one of our own.
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        // Tests only: a clock the tests move by hand (the throttle's unit tests sleep for nothing).
        .package(url: "https://github.com/pointfreeco/swift-clocks.git", from: "1.1.1"),
    ],
    targets: [
        // JSONValue itself, shared by the tool and the emulators (each reads it in its own module).
        library("JSONKit"),
        library(
            "MigrationCore",
            [
                "JSONKit",
                grdb, .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Yams", package: "Yams"),
                crypto,
                .product(name: "AsyncHTTPClient", package: "async-http-client"), nioCore,
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "CSV", package: "CSV.swift"), "CZlib", "CPrefetch",
            ]),
        // The system zlib (gzip-compressed Easemob history files).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // A cache prefetch hint (one inline C function; Swift has none of its own).
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
        // What the emulators share (neither imports MigrationCore: each stays an independent oracle); serve
        // runs its socket with the same RunningServer.
        library("EmulatorKit", ["JSONKit", hummingbird, logging, nioCore, serviceLifecycle]),
        library(
            "NIMEmulator",
            ["EmulatorKit", grdb, crypto, .product(name: "MultipartKit", package: "multipart-kit")] + server),
        // Easemob's REST API over an export folder, for `pull`'s rehearsals and tests. Does NOT
        // import MigrationCore: an independent oracle, built from Easemob's published examples.
        library("EasemobEmulator", ["EmulatorKit", crypto, "CZlib"] + server),
        library(
            "DualRun",
            [
                "MigrationCore", "EmulatorKit", grdb, .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ] + server),
        library("ExportGenerator"),
        executable(
            "nim-migrate",
            [
                "MigrationCore", "NIMEmulator", "EasemobEmulator", "ExportGenerator", "DualRun",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        executable("migrate-testbed", ["MigrationCore"]),
        tests(
            "MigrationCoreTests",
            [
                "MigrationCore", "NIMEmulator", "ExportGenerator", .product(name: "Clocks", package: "swift-clocks"),
                nioCore, .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        tests("NIMEmulatorTests", ["NIMEmulator"] + emulatorTests),
        tests("EasemobEmulatorTests", ["EasemobEmulator"] + emulatorTests),
        // What more than one test target uses: a loopback server of a test's own, route tests' senders.
        library(
            "TestSupportKit", [hummingbird, hummingbirdTesting, logging, httpTypes, nioCore],
            path: "Tests/TestSupportKit"),
        tests("DualRunTests", ["DualRun", "MigrationCore", "NIMEmulator", "TestSupportKit", hummingbird, logging]),
        tests(
            "EndToEndTests",
            [
                "MigrationCore", "NIMEmulator", "ExportGenerator", "EasemobEmulator", "TestSupportKit",
                // The old side's servers of the untrusted-address tests (a "secret" service, a CDN).
                hummingbird, logging,
            ]),
    ]
)
