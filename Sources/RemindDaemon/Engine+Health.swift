import Foundation
import Logging
import RemindCore
import RemindSchedule

/// The engine's side of reload and the watchdog: the reload problem on the STATUS= line,
/// and the DEBUG-only stall the end-to-end tests use to prove the watchdog works.
extension Engine {
    /// The problem shown on STATUS= after a failed or refused reload, until a good one.
    static let reloadProblem = "reload failed, previous configuration in force (see journalctl -u remindd)"

    /// Records a failed or refused reload on the STATUS= line.
    func reloadFailed() {
        problems["reload"] = Self.reloadProblem
        sleeper.wake()  // the release loop flushes a STATUS= held back by the once-a-second limit
        statusChanged()
    }

    /// DEBUG builds only: stalls here, once, when ``DebugSwitches/stall`` is armed (its
    /// trigger file exists). The caller is a loop that has marked itself busy.
    func stallIfTriggered(_ switches: DebugSwitches = .current) async {
        #if DEBUG
        guard let stall = switches.stall, FileManager.default.fileExists(atPath: stall.trigger) else { return }
        try? FileManager.default.removeItem(atPath: stall.trigger)
        logger.warning("test switch: stalling", metadata: ["mode": "\(stall.mode.rawValue)"])
        switch stall.mode {
        case .inbox:
            // The loop waits; the actor stays free, so only the busy marker shows the stall.
            try? await Task.sleep(for: .seconds(120))
        case .engine:
            // The actor's thread blocks: nothing that awaits the engine (the watchdog's
            // health check included) gets an answer.
            for _ in 0..<1200 { usleep(100_000) }
        }
        #endif
    }
}
