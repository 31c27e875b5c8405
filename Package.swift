// swift-tools-version:6.1
//
// remindd: an SMS reminder daemon for medical and dental practices.
// Small targets with one job each; dependencies point one way:
//   C shims → kits (systemd, file system) → RemindCore values → rooms
//   (config, inbox, text, spool, schedule, delivery, control) → RemindDaemon → executables.
// remindctl links no delivery code.
import PackageDescription

let package = Package(
    name: "remindd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "remindd", targets: ["remindd"]),
        .executable(name: "remindctl", targets: ["remindctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // MARK: C shims
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(name: "CLinux"),
        // C interface over Debian's libphonenumber-dev (C++; its headers need C++14 for abseil).
        .target(name: "CPhoneNumber", linkerSettings: [
            .linkedLibrary("phonenumber"), .linkedLibrary("protobuf"), .linkedLibrary("icui18n"), .linkedLibrary("icuuc"),
        ]),

        // MARK: Kits (no remindd knowledge)
        .target(name: "SystemdKit", dependencies: [
            "CSystemd",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "FileSystemKit", dependencies: [
            "CLinux",
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // Runs a command with no shell, a minimal environment, stdin bytes and a timeout (command provider, remindctl test-provider).
        .target(name: "ProcessKit", dependencies: [
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),

        // MARK: remindd rooms
        .target(name: "RemindCore"),
        .target(name: "RemindConfig", dependencies: [
            "RemindCore", "RemindInbox", "RemindText", "RemindSchedule", "RemindRecipients", "RemindSpool",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "RemindInbox", dependencies: [
            "RemindCore", "FileSystemKit",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "RemindText", dependencies: [
            "RemindCore",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .target(name: "RemindRecipients", dependencies: ["RemindCore", "CPhoneNumber", "FileSystemKit"]),
        .target(name: "RemindSpool", dependencies: [
            "RemindCore", "FileSystemKit",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "RemindSchedule", dependencies: [
            "RemindCore", "CLinux",
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        .target(name: "RemindDelivery", dependencies: [
            "RemindCore", "FileSystemKit", "ProcessKit",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The composition root of what a configuration makes: room values, templates, the one
        // verdict, the source pipelines (remindd, check-config and preview). No delivery code.
        .target(name: "RemindAssembly", dependencies: [
            "RemindCore", "RemindConfig", "RemindInbox", "RemindText", "RemindRecipients", "RemindSchedule", "RemindSpool",
        ]),
        // SMPP 3.4 (swift-nio): the PDU codec as channel handlers, the session as a state
        // machine, and the provider. Only the daemon links it; remindctl does not.
        .target(name: "RemindSMPP", dependencies: [
            "RemindCore", "RemindDelivery", "RemindText", "FileSystemKit",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // HTTP gateways (async-http-client): the Kannel sendsms preset and templated REST requests,
        // through an authenticating proxy, with a callback listener (NIOHTTP1) for receipts and
        // replies, and the balance probe. Only the daemon links it: `remindctl test-provider`
        // runs `remindd --test-provider`, as for SMPP, so remindctl links no gateway code.
        .target(name: "RemindHTTPGateway", dependencies: [
            "RemindCore", "RemindDelivery", "RemindText",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "RemindControl", dependencies: [
            "RemindCore", "CLinux",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(name: "RemindDaemon", dependencies: [
            "RemindCore", "RemindConfig", "RemindAssembly", "RemindInbox", "RemindText", "RemindSpool",
            "RemindSchedule", "RemindDelivery", "RemindSMPP", "RemindHTTPGateway", "RemindControl", "SystemdKit", "FileSystemKit", "RemindRecipients", "CLinux",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "RemindTesting", dependencies: [
            "RemindCore", "RemindDelivery",
        ]),

        // MARK: Executables
        .executableTarget(name: "remindd", dependencies: [
            "RemindDaemon",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // A tiny process for SystemdKitTests to run under the sandbox's real systemd.
        .executableTarget(name: "journal-probe", dependencies: [
            "SystemdKit",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "remindctl", dependencies: [
            "RemindCore", "RemindConfig", "RemindAssembly", "RemindControl", "RemindInbox", "RemindRecipients", "RemindSpool",
            "RemindText", "ProcessKit", "FileSystemKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Benchmarks (release builds only)
        .executableTarget(name: "ScheduleBenchmark", dependencies: ["RemindSchedule", "RemindCore"], path: "Benchmarks/Schedule",
                          exclude: ["README.md"]),
        .executableTarget(name: "TextBenchmark", dependencies: ["RemindCore", "RemindText"], path: "Benchmarks/Text", exclude: ["README.md"]),
        .executableTarget(name: "InboxParseBenchmark", dependencies: ["RemindInbox"], path: "Benchmarks/InboxParseBenchmark", exclude: ["README.md"]),
        .executableTarget(name: "RecipientsBenchmark", dependencies: ["RemindRecipients", "RemindCore", "RemindInbox"], path: "Benchmarks/Recipients",
                          exclude: ["README.md"]),
        .executableTarget(name: "SpoolBenchmark", dependencies: ["RemindSpool", "RemindSchedule", "RemindCore", "FileSystemKit"],
                          path: "Benchmarks/Spool", exclude: ["README.md"]),
        // Hand-over throughput through the real engine and delivery service (package access to RemindDaemon).
        .executableTarget(name: "DeliveryBenchmark", dependencies: [
            "RemindDaemon", "RemindDelivery", "RemindSpool", "RemindCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Benchmarks/Delivery", exclude: ["README.md"]),
        // Submits per second through the SMPP provider on loopback (smpp34's SMSC, as the tests).
        .executableTarget(name: "SMPPBenchmark", dependencies: [
            "RemindSMPP", "RemindDelivery", "RemindCore", "RemindSchedule", "RemindTesting",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "Benchmarks/SMPP", exclude: ["README.md", "kannel_inject.py", "daemon-smpp.sh"]),

        // Messages per second through the Kannel preset on loopback (Debian's Kannel, as the tests).
        .executableTarget(name: "KannelBenchmark", dependencies: [
            "RemindHTTPGateway", "RemindDelivery", "RemindCore", "RemindTesting",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Benchmarks/Kannel", exclude: ["README.md"]),

        // MARK: Tests (one target per module)
        .testTarget(name: "SystemdKitTests", dependencies: ["SystemdKit", "SandboxSupport", "RemindCore"]),
        .testTarget(name: "FileSystemKitTests", dependencies: ["FileSystemKit"]),
        .testTarget(name: "ProcessKitTests", dependencies: ["ProcessKit"]),
        .testTarget(name: "RemindCoreTests", dependencies: ["RemindCore"]),
        .testTarget(name: "RemindConfigTests", dependencies: [
            "RemindConfig", "RemindAssembly", "RemindSchedule", "RemindInbox", "RemindText", "RemindSpool",
        ]),
        .testTarget(name: "RemindAssemblyTests", dependencies: [
            "RemindAssembly", "RemindConfig", "RemindCore", "RemindInbox", "RemindRecipients", "RemindSchedule", "RemindSpool", "RemindText",
        ]),
        .testTarget(name: "RemindInboxTests", dependencies: ["RemindInbox"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RemindTextTests", dependencies: ["RemindText", "RemindCore"]),
        .testTarget(name: "RemindSpoolTests", dependencies: ["RemindSpool"]),
        .testTarget(name: "RemindRecipientsTests", dependencies: ["RemindRecipients", "RemindCore", "FileSystemKit", "CPhoneNumber"]),
        .testTarget(name: "RemindScheduleTests", dependencies: [
            "RemindSchedule", "RemindCore",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "RemindDeliveryTests", dependencies: ["RemindDelivery", "RemindCore", "RemindTesting"]),
        // Codec and state machine tests, and integration tests against PyPI's smpp34 SMSC
        // (Tests/RemindSMPPTests/SMSC/smsc.py; `make deps` installs it in .build/smpp34-venv).
        .testTarget(name: "RemindSMPPTests", dependencies: [
            "RemindSMPP", "RemindDelivery", "RemindCore", "RemindTesting", "RemindText", "RemindSchedule",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["SMSC"]),
        // Against Debian's Kannel (bearerbox, smsbox, kannel-extras' fakesmsc), tinyproxy and a
        // Python http.server written in the tests, all on 127.0.0.1.
        .testTarget(name: "RemindHTTPGatewayTests", dependencies: [
            "RemindHTTPGateway", "RemindDelivery", "RemindCore", "RemindTesting", "RemindText",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        ], exclude: ["Server"]),
        .testTarget(name: "RemindControlTests", dependencies: ["RemindControl", "RemindCore", "RemindTesting"]),
        .testTarget(name: "RemindDaemonTests", dependencies: [
            "RemindDaemon", "RemindAssembly", "RemindTesting", "RemindConfig", "RemindCore", "RemindInbox", "RemindSpool", "RemindText",
            "RemindDelivery", "RemindSchedule", "SystemdKit", "RemindRecipients", "RemindControl", "RemindSMPP",
            .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: ["RemindCore", "RemindControl", "SandboxSupport", "RemindTesting"]),
        // Test support: drives ../shared/tools/systemd-sandbox (used by SystemdKitTests and EndToEndTests).
        .target(name: "SandboxSupport", dependencies: ["CLinux"], path: "Tests/SandboxSupport"),
    ],
    cxxLanguageStandard: .cxx17
)

// Strict settings for every Swift target (as swift-log does).
for target in package.targets where target.type != .system && target.name != "CLinux" && target.name != "CPhoneNumber" {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
