public import Foundation

extension ReleaseScheduler {
    /// Simulates releasing the whole queue from `now` at the current stagger and calendar.
    /// O(n log n) in the queue (a sort by due time) plus one step per open interval:
    /// meant for `remindctl forecast` and for a periodic STATUS check, not for every release.
    ///
    /// - Parameters:
    ///   - maxWindows: how many coming windows to report (the simulation runs on to the end).
    ///   - limit: the longest acceptable wait; sets ``Forecast/exceedsLimit``.
    public func forecast(now: Date, maxWindows: Int, limit: Duration? = nil) -> Forecast {
        precondition(maxWindows >= 0, "maxWindows is not negative")
        let t0 = now.timeIntervalSinceReferenceDate
        // (effective due, expires) in due order.
        let all = entries
        var items = all.map { (due: max($0.due.timeIntervalSinceReferenceDate, t0),
                                   expires: $0.expires?.timeIntervalSinceReferenceDate ?? .infinity) }
        items.sort { $0.due < $1.due }
        let dueNow = all.lazy.filter { $0.due <= now }.count

        let step = stagger.timeInterval
        let horizonEnd = t0 + Forecast.horizon.timeInterval
        var windows: [Forecast.Window] = []
        var cursor = IntervalCursor(calendar: calendar, from: LocalDate(containing: now, in: calendar.timeZone).adding(days: -1))
        var current: (start: Double, end: Double)?  // the interval being filled
        var windowIndex = -1
        var slot = lastRelease.map { $0.timeIntervalSinceReferenceDate + step } ?? -Double.infinity
        var expiring = 0, unplaced = 0
        var longestWait = 0.0, lastRelease = -Double.infinity
        var cursorDone = false

        /// Advances to the next interval ending after `time` and records it as a window.
        func advance(pastOrAt time: Double) -> Bool {
            while !cursorDone {
                guard let next = cursor.nextMerged() else { cursorDone = true; break }
                let start = max(next.start.timeIntervalSinceReferenceDate, t0)
                let end = next.end.timeIntervalSinceReferenceDate
                guard end > t0 else { continue }
                if start >= horizonEnd { cursorDone = true; break }
                current = (start, end)
                windowIndex += 1
                if windowIndex < maxWindows {
                    var capacity: Int?
                    if step > 0 {
                        let first = max(start, slot)
                        capacity = first < end ? Int(((end - first) / step).rounded(.up)) : 0
                    }
                    windows.append(Forecast.Window(
                        interval: DateInterval(start: Date(timeIntervalSinceReferenceDate: start),
                                               end: Date(timeIntervalSinceReferenceDate: end)),
                        capacity: capacity, planned: 0))
                }
                if end > time { return true }
            }
            current = nil
            return false
        }

        for item in items {
            var time = max(item.due, slot)
            if current == nil || time >= current!.end { _ = advance(pastOrAt: time) }
            guard let interval = current, time < interval.end else {
                // No open interval within the horizon reaches this far.
                if item.expires < horizonEnd { expiring += 1 } else { unplaced += 1 }
                continue
            }
            time = max(time, interval.start)
            if time >= item.expires {
                expiring += 1
                continue
            }
            if windowIndex < windows.count { windows[windowIndex].planned += 1 }
            longestWait = max(longestWait, time - item.due)
            lastRelease = max(lastRelease, time)
            slot = time + step
        }

        let drainsAt: Date? = unplaced > 0 ? nil
            : Date(timeIntervalSinceReferenceDate: lastRelease.isFinite ? lastRelease : t0)
        // Report the coming windows even when the queue drains before them.
        while windows.count < maxWindows, !cursorDone {
            if !advance(pastOrAt: current?.end ?? t0) { break }
        }
        return Forecast(
            now: now, queued: count, dueNow: dueNow, windows: windows, drainsAt: drainsAt,
            expiring: expiring, unplaced: unplaced,
            longestWait: .milliseconds(Int64((longestWait * 1000).rounded())), limit: limit)
    }
}
