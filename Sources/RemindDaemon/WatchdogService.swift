import Foundation
import Logging
import RemindCore
import ServiceLifecycle
import SystemdKit

/// Sends WATCHDOG=1 at half of WatchdogSec, but only while the engine answers and no
/// loop has been stuck in one piece of work for longer than WatchdogSec: a stalled
/// daemon stops pinging and systemd restarts it. Without WatchdogSec it does nothing.
///
/// Two kinds of stall stop the pings: a loop (inbox or release) busy too long while the
/// engine still answers (an await on a hung disk or gateway: it is logged once, at
/// `err`, as watchdogStalled with LOOP), and an engine actor that does not answer at all
/// (its health check never returns, so neither does the next ping; nothing can be
/// logged). The pings come from this service's own task, which never holds the engine.
struct WatchdogService: Service {
    let engine: Engine
    let notifier: Notifier
    let logger: Logger

    func run() async throws {
        guard let interval = Notifier.watchdogInterval() else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully {
            switch await engine.watchdogCheck(limit: interval) {
            case .ping:
                _ = try? notifier.watchdog()
            case .report(let loop):
                logger.error("a main loop is stuck; withholding watchdog pings", metadata: [
                    LogKey.messageID: "\(EventID.watchdogStalled.rawValue)", "loop": "\(loop)",
                ])
            case .withhold:
                break
            }
            // Shut down last (it is first in the group), so pings go on while the other
            // services stop; then its sleep ends at once instead of up to half of WatchdogSec
            // later (which held every stop for up to 15 s).
            _ = try? await cancelOnGracefulShutdown { try await Task.sleep(for: interval / 2) }
            if Task.isCancelled { return }
        }
    }
}
