import CLinux
import Foundation
import Logging
import RemindAssembly
import RemindConfig
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSMPP
import RemindHTTPGateway
import RemindSpool
import ServiceLifecycle
import SystemdKit
import UnixSignals

/// The composition root: configuration → services → run until SIGTERM.
public enum Daemon {
    /// Runs the daemon and returns its exit code.
    ///
    /// While it recovers the spool and scans the inbox (long with a big spool) it asks
    /// systemd for more start-up time every few seconds (EXTEND_TIMEOUT_USEC), so READY=1
    /// is not cut off by TimeoutStartSec=. Under systemd the control socket defaults to
    /// `$RUNTIME_DIRECTORY/control.sock` (one per `remindd@INSTANCE`).
    public static func run(_ options: DaemonOptions) async -> Int32 {
        // Big buffers mapped on their own: a 2,000,000-row export then peaks at 242 MB
        // instead of 282 (Benchmarks/Daemon/README.md).
        _ = clinux_fix_mmap_threshold()
        let settings: Assembly
        do {
            settings = try Assembly.load(configPath: options.configPath)
        } catch {
            bootstrapLogging(target: options.logTarget ?? "auto", level: options.logLevel ?? "info")
            let logger = Logger(label: "remindd")
            for line in "\(error)".split(separator: "\n") {
                logger.error("configuration invalid", metadata: [
                    LogKey.messageID: "\(EventID.configInvalid.rawValue)", LogKey.reason: "\(line)", LogKey.path: "\(options.configPath)",
                ])
            }
            return DaemonExit.configError
        }
        let config = settings.config
        bootstrapLogging(target: options.logTarget ?? config.log.target, level: options.logLevel ?? config.log.level)
        let logger = Logger(label: "remindd")
        // One daemon per spool, before anything in it is read or changed.
        let lock: SpoolLock
        do {
            lock = try SpoolLock.acquire(root: config.spool.root)
        } catch {
            logger.error("another remindd holds this spool; stopping", metadata: [
                LogKey.messageID: "\(EventID.spoolLocked.rawValue)", LogKey.path: "\(config.spool.root)",
                LogKey.error: "\(error)", "holder_pid": "\(error.holder.map { "\($0)" } ?? "unknown")",
            ])
            return DaemonExit.spoolLocked
        }
        defer { withExtendedLifetime(lock) {} }
        let notifier = Notifier()

        let provider: any Provider
        // A provider that keeps a link (SMPP) runs as a service before the delivery service,
        // so that at shutdown it stops after the last hand-over's answer.
        var linkServices: [any Service] = []
        var httpGateway: (HTTPGatewayProvider, Configuration.HTTPGatewayConfig, HTTPGatewayProbe.Balance?)?
        switch config.provider {
        case .outbox(let directory):
            let naming: OutboxProvider.Naming = config.outboxFormat.naming == "gammu"
                ? .gammu(OutboxProvider.GammuFormat(rawValue: config.outboxFormat.gammuFormat) ?? .unicode) : .smstools
            let outbox = OutboxProvider(directory: directory, naming: naming)
            do { try outbox.prepare() } catch {
                logger.error("cannot prepare the outbox directory", metadata: [
                    LogKey.messageID: "\(EventID.spoolError.rawValue)", LogKey.path: "\(directory)", LogKey.error: "\(error)",
                ])
                return DaemonExit.ioError
            }
            provider = DebugSwitches.current.wrap(outbox)
        case .command(let command):
            // The command's existence was checked with the configuration (problems(with:)).
            provider = DebugSwitches.current.wrap(CommandProvider(
                argv: command.argv, timeout: command.timeout, temporaryExitCodes: Set(command.temporaryExitCodes.map { Int32($0) })))
        case .smpp(let smppSettings):
            let smpp: SMPPProvider
            do {
                smpp = try makeSMPPProvider(smppSettings, spool: SpoolPaths(root: config.spool.root), logger: logger)
            } catch {
                // Names the credential and its path, never its value.
                logger.error("cannot set up the SMPP provider", metadata: [
                    LogKey.messageID: "\(EventID.configInvalid.rawValue)", LogKey.reason: "\(error)", LogKey.provider: "smpp",
                ])
                return DaemonExit.configError
            }
            linkServices.append(smpp)
            provider = DebugSwitches.current.wrap(smpp)
        case .http(let httpConfig):
            let gateway: HTTPGatewayProvider
            let listener: CallbackListener?
            let balance: HTTPGatewayProbe.Balance?
            do {
                gateway = HTTPGatewayProvider(settings: try httpSettings(httpConfig), reportsEvents: httpConfig.reportsEvents, logger: logger)
                listener = try callbackListener(httpConfig, provider: gateway, logger: logger)
                balance = try balanceProbe(httpConfig)
            } catch {
                // Names the credential or the template, never a secret.
                logger.error("cannot set up the HTTP gateway provider", metadata: [
                    LogKey.messageID: "\(EventID.configInvalid.rawValue)", LogKey.reason: "\(error)", LogKey.provider: "\(config.provider.name)",
                ])
                return DaemonExit.configError
            }
            // The listener before the gateway: at shutdown (in reverse order) the gateway stops
            // first and answers every callback still waiting "not stored" (503), so the
            // listener's connections end and it stops after.
            if let listener { linkServices.append(listener) }
            linkServices.append(gateway)
            httpGateway = (gateway, httpConfig, balance)
            provider = DebugSwitches.current.wrap(gateway)
        }

        let sleeper: WallClockSleeper
        do { sleeper = try WallClockSleeper() } catch {
            logger.error("cannot create the release timer", metadata: [LogKey.error: "\(error)"])
            return DaemonExit.softwareError
        }
        let engine = Engine(settings: settings, provider: provider, notifier: notifier, sleeper: sleeper, logger: logger)
        // The balance at start, hourly and every N sends (REST gateways with balance_url).
        if case let (gateway, httpConfig, balance?)? = httpGateway {
            let low = httpConfig.lowBalance
            // Its own sleeper: the release loop's wake-ups are not its.
            let monitorSleeper: WallClockSleeper
            do { monitorSleeper = try WallClockSleeper() } catch {
                logger.error("cannot create the balance check timer", metadata: [LogKey.error: "\(error)"])
                return DaemonExit.softwareError
            }
            let monitor = BalanceMonitor(everySends: httpConfig.balanceCheckEvery, sleeper: monitorSleeper,
                                         check: BalanceMonitor.probe(gateway.settings, balance)) { result in
                switch result {
                case .success(let balance): await engine.balanceChecked(balance, low: low)
                case .failure(let failure): await engine.balanceChecked(nil, failure: failure.description, low: low)
                }
            }
            gateway.onAccepted { monitor.noteSent() }
            linkServices.append(monitor)
        }
        let inbox = InboxService(
            engine: engine, directory: config.inboxDirectory, logger: logger, subdirectories: config.watchesSubdirectories)
        _ = try? notifier.status("recovering the spool")
        do {
            let started = try await untilStopRequested {
                try await extendingStartTimeout(notifier) {
                    if let delay = DebugSwitches.current.recoveryDelay { try? await Task.sleep(for: delay) }
                    try await engine.recover()
                    await inbox.scan()
                }
            }
            if !started {
                // SIGTERM during start-up: the ingest in progress stopped between two pieces
                // (its input stays claimed in incoming/ and is read again at the next start).
                _ = try? notifier.stopping()
                logger.info("remindd stopped during start-up", metadata: [LogKey.messageID: "\(EventID.stopping.rawValue)"])
                return DaemonExit.success
            }
        } catch {
            logger.error("cannot recover the spool", metadata: [
                LogKey.messageID: "\(EventID.spoolError.rawValue)", LogKey.path: "\(config.spool.root)", LogKey.error: "\(error)",
            ])
            return DaemonExit.ioError
        }
        if let problem = InboxAccess.problem(inbox: config.inboxDirectory, root: config.spool.root) {
            logger.warning("practice systems may not be able to drop exports into the inbox", metadata: [
                LogKey.messageID: "\(EventID.inboxAccess.rawValue)", LogKey.reason: "\(problem)", LogKey.path: "\(config.inboxDirectory)",
            ])
        }
        // Recovery has asked the outbox about what was in active/; the temporary files of
        // hand-overs a crash interrupted (numbers and texts) go now.
        if case .outbox(let directory) = config.provider {
            let removed = OutboxProvider(directory: directory, naming: config.outboxFormat.naming == "gammu" ? .gammu(.unicode) : .smstools).removeLeftovers()
            if removed > 0 {
                logger.notice("temporary outbox files of interrupted hand-overs removed", metadata: [
                    LogKey.count: "\(removed)", LogKey.path: "\(directory)/.tmp",
                ])
            }
        }

        _ = try? notifier.ready()
        await engine.statusChanged()
        let startStatus = await engine.statusLine()
        logger.info("remindd started", metadata: [
            LogKey.messageID: "\(EventID.started.rawValue)", LogKey.path: "\(config.spool.root)",
            LogKey.provider: "\(provider.name)", "status": "\(startStatus)",
        ])

        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: WatchdogService(engine: engine, notifier: notifier, logger: logger)),
            ] + linkServices.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [
                .init(service: DeliveryService(engine: engine)),
                .init(service: inbox),
                .init(service: ControlService(engine: engine, path: config.control.socket)),
                .init(service: ReloadService(engine: engine, configPath: options.configPath, notifier: notifier, logger: logger)),
                .init(service: StoppingService(engine: engine, notifier: notifier, logger: logger)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "remindd.lifecycle")))
        do {
            try await group.run()
        } catch {
            logger.error("remindd stopped on an error", metadata: [LogKey.error: "\(error)"])
            return DaemonExit.softwareError
        }
        await engine.checkpoint()
        let endStatus = await engine.statusLine()
        logger.info("remindd stopped", metadata: [LogKey.messageID: "\(EventID.stopping.rawValue)", "status": "\(endStatus)"])
        return DaemonExit.success
    }

    /// Runs start-up work (recovery, the first inbox scan: minutes for a large export left
    /// in `incoming/`), ending it early on SIGTERM or SIGINT: returns false then. Before,
    /// the signals were ignored until the services ran, so `systemctl stop` during a long
    /// recovery waited for SIGKILL at `TimeoutStopSec=`. Cancelled, an ingest stops between
    /// two pieces, as at any shutdown.
    static func untilStopRequested(_ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                for await _ in signals { return false }
                try await Task.sleep(for: .seconds(365 * 86400))  // cancelled once the body is done
                return true
            }
            defer { group.cancelAll() }
            return try await group.next() ?? true
        }
    }

    /// How often ``extendingStartTimeout(_:every:by:upTo:_:)`` asks for more time, how much,
    /// and for how long at most.
    static let extensionPeriod: Duration = .seconds(3)
    static let extensionMargin: Duration = .seconds(10)
    static let extensionLimit: Duration = .seconds(15 * 60)

    /// Runs `body` (start-up work before READY=1) while sending `EXTEND_TIMEOUT_USEC=margin`
    /// every `period`, so systemd waits as long as the work goes on. The extensions stop
    /// after `limit`, so a start-up that hangs still times out (`margin` later, or at
    /// TimeoutStartSec= if that is later).
    static func extendingStartTimeout(
        _ notifier: Notifier, every period: Duration = extensionPeriod, by margin: Duration = extensionMargin,
        upTo limit: Duration = extensionLimit, _ body: () async throws -> Void
    ) async throws {
        precondition(period < margin, "the extension must outlast the period between extensions")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let clock = ContinuousClock()
                let end = clock.now + limit
                while clock.now < end {
                    _ = try? notifier.extendTimeout(margin)
                    try await clock.sleep(for: period)  // ends with CancellationError
                }
            }
            defer { group.cancelAll() }
            try await body()
        }
    }

    static func bootstrapLogging(target: String, level: String) {
        let t: LogTarget = switch target {
        case "journal": .journal
        case "console": .console
        default: .auto
        }
        JournalLogHandler.bootstrap(identifier: "remindd", target: t, level: Logger.Level(rawValue: level) ?? .info)
    }
}

/// Sends STOPPING=1 as soon as shutdown begins (it is shut down first), and from then on
/// no release begins (the delivery service itself is shut down later, after the inbox and
/// the control socket).
struct StoppingService: Service {
    let engine: Engine
    let notifier: Notifier
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await engine.beginStopping()
        _ = try? notifier.stopping()
        logger.info("remindd is stopping; finishing in-flight work", metadata: [LogKey.messageID: "\(EventID.stopping.rawValue)"])
    }
}
