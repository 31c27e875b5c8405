import Foundation
import Logging
import RemindAssembly
import RemindCore
import ServiceLifecycle
import SystemdKit
import UnixSignals

/// SIGHUP: RELOADING=1 (with MONOTONIC_USEC), load and validate the configuration and
/// templates, swap them in atomically, read the opt-out list again, READY=1. On any error, and for changes only a
/// restart can apply (the spool root, the provider, the control socket), the old ones
/// stay, the error is logged at `err` with MESSAGE_ID reloadFailed, STATUS= says so
/// until a good reload, and the service stays up. READY=1 follows in every case, or
/// systemd would leave the unit in the `reload` state.
struct ReloadService: Service {
    let engine: Engine
    let configPath: String
    let notifier: Notifier
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            _ = try? notifier.reloading()
            await reload()
            await engine.reloadRecipients()  // the opt-out list and the daily limit, whatever became of the configuration
            _ = try? notifier.ready()
            // Inputs a configuration problem held in incoming/ are read with the new settings
            // (held again, and said so, when the problem is still there).
            await engine.retryHeldInputs()
        }
    }

    func reload() async {
        let settings: Assembly
        do {
            settings = try Assembly.load(configPath: configPath)
        } catch {
            logger.error("reload failed; the previous configuration stays in force", metadata: [
                LogKey.messageID: "\(EventID.reloadFailed.rawValue)", LogKey.reason: "\(error)", LogKey.path: "\(configPath)",
            ])
            await engine.reloadFailed()
            return
        }
        if let refusal = await engine.apply(settings) {
            logger.error("reload refused; the previous configuration stays in force", metadata: [
                LogKey.messageID: "\(EventID.reloadFailed.rawValue)", LogKey.reason: "\(refusal)", LogKey.path: "\(configPath)",
            ])
            await engine.reloadFailed()
        } else {
            logger.info("configuration and templates reloaded", metadata: [
                LogKey.messageID: "\(EventID.reloaded.rawValue)", LogKey.path: "\(configPath)",
            ])
        }
    }
}
