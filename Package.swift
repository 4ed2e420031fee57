// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

let package = Package(
    name: "custody",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "custody", targets: ["custody"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssh.git", .upToNextMinor(from: "0.15.0")),
    ],
    targets: [
        .target(name: "CCustodyScan"),
        .target(
            name: "CustodyCore",
            dependencies: [
                "CCustodyScan",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CustodyLedger",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CustodyStore",
            dependencies: ["CustodyCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(name: "CCustodyPTY", linkerSettings: [.linkedLibrary("util", .when(platforms: [.linux]))]),
        .target(
            name: "CustodyEscort",
            dependencies: [
                "CustodyCore", "CustodyLedger", "CCustodyPTY",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "custody",
            dependencies: [
                "CustodyCore", "CustodyLedger", "CustodyStore", "CustodyEscort",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CustodyTestSupport",
            dependencies: ["CustodyCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustodyCoreTests",
            dependencies: ["CustodyCore", "CustodyTestSupport"],
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CustodyLedgerTests", dependencies: ["CustodyLedger", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CustodyStoreTests",
            dependencies: ["CustodyStore", "CustodyTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustodyEscortTests",
            dependencies: ["CustodyEscort", "CustodyTestSupport"],
            exclude: ["EndToEnd"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustodyCLITests",
            dependencies: ["CustodyTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
