package import Foundation
package import RemindConfig
package import RemindCore
package import RemindInbox
package import RemindSchedule

/// What a snapshot file covers, gathered record by record as the file is read (in pieces
/// or whole): the range (the first and last appointment dates, or the first record that
/// fills both range columns) and every appointment id listed. Holds the ids only, so a
/// snapshot of a large export costs its ids' memory, not its rows'.
package struct SnapshotCollector: Sendable {
    package let mode: Configuration.Source.SnapshotRange
    package let timeZone: TimeZone
    private var first: Date?
    private var last: Date?
    private var range: Range<Date>?
    private var listed: Set<String> = []

    package init(mode: Configuration.Source.SnapshotRange, timeZone: TimeZone) {
        self.mode = mode
        self.timeZone = timeZone
    }

    package mutating func add(_ records: [ParsedAppointment]) {
        for record in records {
            let a = record.appointment
            listed.insert(a.id)
            switch mode {
            case .fileDates:
                first = min(first ?? a.start, a.start)
                last = max(last ?? a.start, a.start)
            case .columns(let fromColumn, let toColumn):
                guard range == nil, let from = IngestPipeline.localDate(a.extra, fromColumn),
                    let to = IngestPipeline.localDate(a.extra, toColumn), from <= to
                else { continue }
                range = from.instant(atMinute: 0, in: timeZone)..<to.adding(days: 1).instant(atMinute: 0, in: timeZone)
            }
        }
    }

    /// The cover; nil when the file revealed no range (no appointments, or the range
    /// columns empty or unreadable).
    package var cover: SnapshotCover? {
        guard !listed.isEmpty else { return nil }
        switch mode {
        case .fileDates:
            guard let first, let last else { return nil }
            let from = LocalDate(containing: first, in: timeZone)
            let to = LocalDate(containing: last, in: timeZone)
            return SnapshotCover(
                range: from.instant(atMinute: 0, in: timeZone)..<to.adding(days: 1).instant(atMinute: 0, in: timeZone), listed: listed)
        case .columns:
            return range.map { SnapshotCover(range: $0, listed: listed) }
        }
    }
}
