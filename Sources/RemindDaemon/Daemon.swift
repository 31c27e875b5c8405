import Foundation
import Logging
import RemindConfig
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSpool
import ServiceLifecycle
import SystemdKit
import UnixSignals

/// The composition root: configuration → services → run until SIGTERM.
public enum Daemon {
    /// Runs the daemon and returns its exit code.
    public static func run(_ options: DaemonOptions) async -> Int32 {
        let settings: RuntimeSettings
        do {
            settings = try RuntimeSettings.load(configPath: options.configPath)
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
        let notifier = Notifier()

        let provider: any Provider
        switch config.provider {
        case .outbox(let directory):
            let outbox = OutboxProvider(directory: directory)
            do { try outbox.prepare() } catch {
                logger.error("cannot prepare the outbox directory", metadata: [
                    LogKey.messageID: "\(EventID.spoolError.rawValue)", LogKey.path: "\(directory)", LogKey.error: "\(error)",
                ])
                return DaemonExit.ioError
            }
            provider = outbox
        }

        let sleeper: WallClockSleeper
        do { sleeper = try WallClockSleeper() } catch {
            logger.error("cannot create the release timer", metadata: [LogKey.error: "\(error)"])
            return DaemonExit.softwareError
        }
        let engine = Engine(settings: settings, provider: provider, notifier: notifier, sleeper: sleeper, logger: logger)
        do {
            _ = try? notifier.extendTimeout(.seconds(60))
            try await engine.recover()
        } catch {
            logger.error("cannot recover the spool", metadata: [
                LogKey.messageID: "\(EventID.spoolError.rawValue)", LogKey.path: "\(config.spool.root)", LogKey.error: "\(error)",
            ])
            return DaemonExit.ioError
        }
        let inbox = InboxService(engine: engine, directory: config.inboxDirectory, logger: logger)
        await inbox.scan()

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
                .init(service: ReleaseService(engine: engine)),
                .init(service: inbox),
                .init(service: ControlService(engine: engine, path: config.control.socket)),
                .init(service: ReloadService(engine: engine, configPath: options.configPath, notifier: notifier, logger: logger)),
                .init(service: StoppingService(notifier: notifier, logger: logger)),
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

    static func bootstrapLogging(target: String, level: String) {
        let t: LogTarget = switch target {
        case "journal": .journal
        case "console": .console
        default: .auto
        }
        JournalLogHandler.bootstrap(identifier: "remindd", target: t, level: Logger.Level(rawValue: level) ?? .info)
    }
}

/// Sends STOPPING=1 as soon as shutdown begins (it is shut down first).
struct StoppingService: Service {
    let notifier: Notifier
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        _ = try? notifier.stopping()
        logger.info("remindd is stopping; finishing in-flight work", metadata: [LogKey.messageID: "\(EventID.stopping.rawValue)"])
    }
}
