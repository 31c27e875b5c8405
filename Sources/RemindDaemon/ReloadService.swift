import Foundation
import Logging
import RemindCore
import ServiceLifecycle
import SystemdKit
import UnixSignals

/// SIGHUP: RELOADING=1, load and validate the configuration and templates, swap
/// them in atomically, READY=1. On any error the old ones stay and the error is
/// logged at `err`; the service stays up.
struct ReloadService: Service {
    let engine: Engine
    let configPath: String
    let notifier: Notifier
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            _ = try? notifier.reloading()
            do {
                let settings = try RuntimeSettings.load(configPath: configPath)
                if let refusal = await engine.apply(settings) {
                    logger.error("reload refused; the previous configuration stays in force", metadata: [
                        LogKey.messageID: "\(EventID.reloadFailed.rawValue)", LogKey.reason: "\(refusal)",
                    ])
                } else {
                    logger.info("configuration and templates reloaded", metadata: [
                        LogKey.messageID: "\(EventID.reloaded.rawValue)", LogKey.path: "\(configPath)",
                    ])
                }
            } catch {
                logger.error("reload failed; the previous configuration stays in force", metadata: [
                    LogKey.messageID: "\(EventID.reloadFailed.rawValue)", LogKey.reason: "\(error)",
                ])
            }
            _ = try? notifier.ready()
        }
    }
}
