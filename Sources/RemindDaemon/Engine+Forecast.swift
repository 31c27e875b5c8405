import Foundation
import Logging
import RemindAssembly
import RemindConfig
import RemindControl
import RemindCore
import RemindSchedule
import RemindSpool

extension Engine {
    /// The drain forecast of the current backlog over the coming windows.
    /// Messages past the scheduler's horizon are counted from the spool's index by time
    /// (a pass over it on the spool's thread, only when there are any).
    func forecast(maxWindows: Int = 14) async -> Forecast {
        var beyond: [ReleaseScheduler.Group] = []
        if scheduler.earliestBeyond != nil {
            let from = scheduler.boundary
            let groups = (try? await withSpool { $0.pendingGroups(keysFrom: from) }) ?? []
            beyond = groups.map { ReleaseScheduler.Group(due: $0.due, expires: $0.expires, count: $0.count) }
        }
        return scheduler.scheduler.forecast(now: clock.now, maxWindows: maxWindows, limit: settings.config.schedule.drainWarning,
                                            beyond: beyond)
    }

    /// Warns (journal and STATUS=) when the backlog would take longer than
    /// `schedule.drain_warning` to drain, EXACT's "warn if sending takes longer than X
    /// days"; clears the warning when it no longer holds. Logged once per change.
    func checkBacklog() async {
        let f = await forecast(maxWindows: 60)
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
    func forecastReport() async -> ForecastReport {
        let f = await forecast()
        return ForecastReport(
            queued: f.queued, dueNow: f.dueNow, drainsAt: f.drainsAt, expiring: f.expiring,
            longestWaitSeconds: f.longestWait.components.seconds, limitSeconds: f.limit?.components.seconds,
            exceedsLimit: f.exceedsLimit,
            windows: f.windows.map { .init(start: $0.interval.start, end: $0.interval.end, capacity: $0.capacity, planned: $0.planned) },
            timeZone: settings.config.practice.timeZone.identifier)
    }
}
