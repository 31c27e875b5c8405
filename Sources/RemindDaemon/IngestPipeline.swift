import Foundation
import RemindConfig
import RemindCore
import RemindInbox
import RemindRecipients
import RemindSchedule
import RemindSpool
import RemindText

/// An input file's messages, ready for the spool.
struct PreparedInput: Sendable {
    var candidates: [SpoolMessage] = []
    /// Keys whose appointments were cancelled, deleted or missed, with the reason.
    var withdrawals: [(key: MessageKey, reason: String)] = []
    /// Rows that produced no message, each with its line and reason.
    var rejections: [RowRejection] = []
    /// Rows left out on purpose (a status not reminded, an appointment already started,
    /// a broadcast's filter).
    var skipped = 0
    /// Rows of an appointment that a later row of the same file (or piece) replaced.
    var superseded = 0
    /// For a snapshot source: the range the file covers and the appointment ids it lists.
    var snapshot: SnapshotCover?
    /// For an acknowledged HL7 source: the ACK of every message, one after the other.
    var ack: [UInt8]?
}

/// What a snapshot file covers: pending reminders of its source for appointments in
/// `range` whose id is not in `listed` are withdrawn (`missing from snapshot`).
struct SnapshotCover: Sendable, Hashable {
    var range: Range<Date>
    var listed: Set<String>

    static let reason = "missing from snapshot"
}

/// Turns an input file's bytes into candidate messages: parse, filter by status,
/// pick and normalise the number (refusing landlines and opted-out numbers), compute
/// due and expiry, render the text. Pure CPU work with no I/O (the opt-out list is read
/// in memory), so it runs outside the engine's actor and is tested without a spool.
struct IngestPipeline: Sendable {
    let parser: any InputParser
    let templates: TemplateSet
    let source: String
    /// Each reminder's name is the rule part of its messages' keys, so renaming one makes
    /// new messages, while changing its timing leaves queued ones as they are.
    let reminders: [Configuration.Reminder]
    let timeZone: TimeZone
    let statuses: Set<String>
    let withdrawStatuses: Set<String>
    let fields: FieldMaker
    let phones: PhoneNumberNormalizer
    let phoneFields: PhoneFields
    let ids: MessageIDGenerator
    /// Snapshot mode: how the file's range is found; nil when files only add, move and cancel.
    var snapshot: Configuration.Source.SnapshotRange? = nil
    /// Whether to build the ACK of each HL7 message.
    var acknowledge = false
    /// At most this many slices of a large piece are prepared at once (``defaultMaxSlices``).
    var maxSlices = IngestPipeline.defaultMaxSlices

    /// The reason a row of an opted-out number is refused with, and its pending message withdrawn with.
    static let optedOutReason = "opted-out"

    func prepare(_ bytes: [UInt8], file: String, now: Date, optOuts: OptOutList) -> Result<PreparedInput, InputError> {
        let parsed: ParsedInput
        do {
            parsed = try parser.parse(bytes, file: file)
        } catch {
            return .failure(error)
        }
        var out = prepare(parsed, now: now, optOuts: optOuts)
        if let snapshot {
            var collector = SnapshotCollector(mode: snapshot, timeZone: timeZone)
            collector.add(parsed.records)
            out.snapshot = collector.cover
        }
        if acknowledge, let hl7 = parser as? HL7SIUParser, let messages = try? hl7.messages(bytes, file: file) {
            out.ack = messages.compactMap { HL7Acknowledgement.make(for: $0, time: now, timeZone: timeZone) }.flatMap { $0 }
        }
        return .success(out)
    }

    /// The reader for a file read in pieces, when the format allows it (CSV and JSON Lines
    /// do; an HL7 file, whose events are reconciled and acknowledged as a whole, does not).
    func stream(file: String) -> (any RecordStream)? {
        guard !acknowledge, let streaming = parser as? any StreamingInputParser else { return nil }
        return streaming.stream(file: file)
    }

    /// Turns parsed records (a whole file's, or one piece's) into candidate messages and
    /// withdrawals; the snapshot cover and the ACK are the caller's.
    func prepare(_ parsed: ParsedInput, now: Date, optOuts: OptOutList) -> PreparedInput {
        var out = PreparedInput()
        out.rejections = parsed.rejections
        out.candidates.reserveCapacity(parsed.records.count)
        // Rows apply in file order, in every format: the last row (or HL7 event) per
        // appointment id is the net effect; an earlier one (a history row, a status change,
        // a move, an exact repeat) is superseded by it, as by a later file.
        let records = SIUReconciliation.reconcile(parsed.records)
        out.superseded = parsed.records.count - records.count
        let chunks = Self.chunkCount(rows: records.count, maxSlices: maxSlices)
        if chunks == 1 {
            prepareRows(records[...], into: &out, now: now, optOuts: optOuts)
        } else {
            // Numbers and texts are independent row by row: a large export is prepared in
            // `chunks` slices at once (libphonenumber and rendering are most of ingest's CPU
            // time), then merged back in file order.
            var parts = [PreparedInput](repeating: PreparedInput(), count: chunks)
            parts.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let buffer = buffer
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let slice = records[(records.count * c / chunks)..<(records.count * (c + 1) / chunks)]
                    var part = PreparedInput()
                    prepareRows(slice, into: &part, now: now, optOuts: optOuts)
                    buffer[c] = part
                }
            }
            for c in parts.indices {
                out.candidates += parts[c].candidates
                out.withdrawals += parts[c].withdrawals
                out.rejections += parts[c].rejections
                out.skipped += parts[c].skipped
                parts[c] = PreparedInput()  // each slice freed as soon as it is merged
            }
        }
        // Ids in file order, whatever the chunks: the scheduler breaks ties by id.
        for i in out.candidates.indices { out.candidates[i].id = ids.next() }
        return out
    }

    /// Rows from this many records up are prepared in parallel slices.
    static let parallelThreshold = 4096
    static let placeholderID = MessageID(rawValue: 0)

    /// One slice per core but one (at most 4, at least 1): the core left over keeps
    /// releases, remindctl and the spool's commits of earlier pieces going during an ingest.
    static let defaultMaxSlices = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount - 1))

    static func chunkCount(rows: Int, maxSlices: Int = defaultMaxSlices) -> Int {
        guard rows >= parallelThreshold else { return 1 }
        return max(1, min(maxSlices, rows / (parallelThreshold / 2)))
    }

    /// Filters, normalises and renders `rows`, appending to `part` (candidates carry
    /// ``placeholderID``; ``prepare(_:file:now:optOuts:)`` numbers them in file order).
    private func prepareRows(_ rows: ArraySlice<ParsedAppointment>, into part: inout PreparedInput, now: Date, optOuts: OptOutList) {
        for record in rows {
            let a = record.appointment
            if withdrawStatuses.contains(a.status) || record.event?.withdraws == true {
                for r in reminders { part.withdrawals.append((MessageKey(source: source, recordID: a.id, rule: r.name), a.status)) }
                continue
            }
            guard statuses.contains(a.status) else {
                // Only appointments in a reminded status are reminded: one that moved out of
                // that set (arrived, tentative, …) keeps no pending reminder either.
                for r in reminders { part.withdrawals.append((MessageKey(source: source, recordID: a.id, rule: r.name), a.status)) }
                part.skipped += 1
                continue
            }
            guard a.start > now else {
                part.skipped += 1
                continue
            }
            let recipient: String
            switch phones.normalize(candidates: phoneFields.candidates(in: a)) {
            case .success(let r): recipient = r.e164
            case .failure(let refusal):
                part.rejections.append(RowRejection(position: record.position, reason: refusal.description))
                continue
            }
            if optOuts.contains(recipient) {
                part.rejections.append(RowRejection(position: record.position, reason: Refusal.optedOut.description))
                for r in reminders { part.withdrawals.append((MessageKey(source: source, recordID: a.id, rule: r.name), Self.optedOutReason)) }
                continue
            }
            let rendered: RenderedText
            do {
                rendered = try templates.render(kind: .appointment, fields: fields.make(a), variant: nil)
            } catch {
                part.rejections.append(RowRejection(position: record.position, reason: "\(error)"))
                continue
            }
            for r in reminders {
                // A reminder that cannot go out in time is still queued: the scheduler ends it
                // `expired`, with its reason in the journal, instead of it vanishing silently.
                guard let schedule = r.rule.schedule(arrival: now, appointmentStart: a.start, timeZone: timeZone) else { continue }
                part.candidates.append(SpoolMessage(
                    id: Self.placeholderID, key: MessageKey(source: source, recordID: a.id, rule: r.name), kind: .appointment,
                    recipient: recipient, text: rendered.text,
                    due: Date(timeIntervalSince1970: max(schedule.due, now).timeIntervalSince1970.rounded(.down)),
                    expires: schedule.expires ?? a.start, appointmentStart: a.start, source: record.position,
                    created: now, encoding: rendered.encoding, segments: rendered.segments,
                    expiryCause: schedule.expires == nil ? .appointmentStart : schedule.expiryCause))
            }
        }
    }

    /// A `yyyy-MM-dd` (or `dd/MM/yyyy`) date in an extra column, found like a header.
    static func localDate(_ extra: [String: String], _ column: String) -> LocalDate? {
        let key = column.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" }
        guard let text = extra.first(where: { $0.key.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" } == key })?.value else {
            return nil
        }
        let t = text.trimmingCharacters(in: .whitespaces)
        if let date = LocalDate(t.prefix(10)) { return date }
        let parts = t.split(separator: "/")
        guard parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2].prefix(4)),
            (1...12).contains(m), (1...LocalDate.daysInMonth(year: y, month: m)).contains(d) else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }
}

/// What a snapshot file covers, gathered record by record as the file is read (in pieces
/// or whole): the range (the first and last appointment dates, or the first record that
/// fills both range columns) and every appointment id listed. Holds the ids only, so a
/// snapshot of a large export costs its ids' memory, not its rows'.
struct SnapshotCollector: Sendable {
    let mode: Configuration.Source.SnapshotRange
    let timeZone: TimeZone
    private var first: Date?
    private var last: Date?
    private var range: Range<Date>?
    private var listed: Set<String> = []

    init(mode: Configuration.Source.SnapshotRange, timeZone: TimeZone) {
        self.mode = mode
        self.timeZone = timeZone
    }

    mutating func add(_ records: [ParsedAppointment]) {
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
    var cover: SnapshotCover? {
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
