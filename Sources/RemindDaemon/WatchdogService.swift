import Foundation
import Logging
import RemindCore
import ServiceLifecycle
import SystemdKit

/// Sends WATCHDOG=1 at half of WatchdogSec, but only while the engine answers and no
/// loop has been stuck in one piece of work for longer than WatchdogSec: a stalled
/// daemon stops pinging and systemd restarts it. Without WatchdogSec it does nothing.
struct WatchdogService: Service {
    let engine: Engine
    let notifier: Notifier
    let logger: Logger

    func run() async throws {
        guard let interval = Notifier.watchdogInterval() else {
            try? await gracefulShutdown()
            return
        }
        var reported = false
        while !Task.isShuttingDownGracefully {
            if let loop = await engine.stalledLoop(limit: interval) {
                if !reported {
                    logger.error("a main loop is stuck; withholding watchdog pings", metadata: [
                        LogKey.messageID: "\(EventID.watchdogStalled.rawValue)", "loop": "\(loop)",
                    ])
                    reported = true
                }
            } else {
                _ = try? notifier.watchdog()
                reported = false
            }
            try? await Task.sleep(for: interval / 2)
            if Task.isCancelled { return }
        }
    }
}
