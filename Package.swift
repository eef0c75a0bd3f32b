// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

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
        .target(
            name: "MigrationCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "CSV", package: "CSV.swift"),
                "CZlib", "CPrefetch",
            ],
            swiftSettings: strict
        ),
        // The system zlib (gzip-compressed Easemob history files).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // A cache prefetch hint (one inline C function; Swift has none of its own).
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
        // The emulators' shared wire type (neither imports MigrationCore: each stays an independent oracle).
        .target(
            name: "EmulatorKit",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "NIMEmulator",
            dependencies: [
                "EmulatorKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: strict
        ),
        // Easemob's REST API over an export folder, for `pull`'s rehearsals and tests. Does NOT
        // import MigrationCore: an independent oracle, built from Easemob's published examples.
        .target(
            name: "EasemobEmulator",
            dependencies: [
                "EmulatorKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                "CZlib",
            ],
            swiftSettings: strict
        ),
        .target(
            name: "DualRun",
            dependencies: [
                "MigrationCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .target(name: "ExportGenerator", swiftSettings: strict),
        .executableTarget(
            name: "nim-migrate",
            dependencies: [
                "MigrationCore", "NIMEmulator", "EasemobEmulator", "ExportGenerator", "DualRun",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "migrate-testbed",
            dependencies: ["MigrationCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MigrationCoreTests",
            dependencies: [
                "MigrationCore", "NIMEmulator", "ExportGenerator",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NIMEmulatorTests",
            dependencies: [
                "NIMEmulator", "EmulatorKit",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EasemobEmulatorTests",
            dependencies: [
                "EasemobEmulator", "EmulatorKit",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // What more than one test target uses: a loopback server of a test's own.
        .target(
            name: "TestSupportKit",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupportKit",
            swiftSettings: strict
        ),
        .testTarget(
            name: "DualRunTests",
            dependencies: [
                "DualRun", "MigrationCore", "NIMEmulator", "TestSupportKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "MigrationCore", "NIMEmulator", "ExportGenerator", "EasemobEmulator", "TestSupportKit",
                // The old side's servers of the untrusted-address tests (a "secret" service, a CDN).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
    ]
)
