import Foundation
import Logging
import RemindAssembly
import RemindConfig
import RemindControl
import RemindCore
import RemindSchedule

extension Engine {
    /// The drain forecast of the current backlog over the coming windows.
    func forecast(maxWindows: Int = 14) -> Forecast {
        scheduler.forecast(now: clock.now, maxWindows: maxWindows, limit: settings.config.schedule.drainWarning)
    }

    /// Warns (journal and STATUS=) when the backlog would take longer than
    /// `schedule.drain_warning` to drain, EXACT's "warn if sending takes longer than X
    /// days"; clears the warning when it no longer holds. Logged once per change.
    func checkBacklog() {
        let f = forecast(maxWindows: 60)
        let wasWarning = backlogWarning
        if f.exceedsLimit || f.expiring > 0 {
            let waitDays = Double(f.longestWait.components.seconds) / 86400
            var parts: [String] = []
            if f.exceedsLimit { parts.append("backlog needs \(String(format: "%.1f", waitDays))d to drain (limit \(DurationText.format(settings.config.schedule.drainWarning)))") }
            if f.expiring > 0 { parts.append("\(f.expiring) will expire unsent") }
            let text = parts.joined(separator: ", ")
            setProblem("backlog", text)
            if !wasWarning {
                log(.backlogWarning, .warning, "the backlog will take longer than the configured limit to drain, or messages will expire unsent", [
                    LogKey.count: "\(f.queued)", "expiring": "\(f.expiring)", "longest_wait": "\(f.longestWait.components.seconds)s",
                    "limit": "\(DurationText.format(settings.config.schedule.drainWarning))",
                    "drains_at": "\(f.drainsAt.map { Self.localTime($0, settings.config.practice.timeZone, now: clock.now) } ?? "never")",
                ])
            }
        } else {
            setProblem("backlog", nil)
        }
    }
}

extension Engine {
    func forecastReport() -> ForecastReport {
        let f = forecast()
        return ForecastReport(
            queued: f.queued, dueNow: f.dueNow, drainsAt: f.drainsAt, expiring: f.expiring,
            longestWaitSeconds: f.longestWait.components.seconds, limitSeconds: f.limit?.components.seconds,
            exceedsLimit: f.exceedsLimit,
            windows: f.windows.map { .init(start: $0.interval.start, end: $0.interval.end, capacity: $0.capacity, planned: $0.planned) },
            timeZone: settings.config.practice.timeZone.identifier)
    }
}
