package import Foundation
package import RemindConfig
package import RemindCore
package import RemindInbox
package import RemindRecipients
package import RemindSchedule
package import RemindSpool
package import RemindText

/// Turns an input file's bytes into candidate messages: parse, filter by status,
/// pick and normalise the number (refusing landlines and opted-out numbers), compute
/// due and expiry, render the text. Pure CPU work with no I/O (the opt-out list is read
/// in memory), so it runs outside the engine's actor and is tested without a spool.
package struct IngestPipeline: Sendable {
    package let parser: any InputParser
    package let templates: TemplateSet
    package let source: String
    /// Each reminder's name is the rule part of its messages' keys, so renaming one makes
    /// new messages, while changing its timing leaves queued ones as they are.
    package let reminders: [Configuration.Reminder]
    package let timeZone: TimeZone
    package let statuses: Set<String>
    package let withdrawStatuses: Set<String>
    package let fields: FieldMaker
    package let phones: PhoneNumberNormalizer
    package let phoneFields: PhoneFields
    package let ids: MessageIDGenerator
    /// Snapshot mode: how the file's range is found; nil when files only add, move and cancel.
    package var snapshot: Configuration.Source.SnapshotRange? = nil
    /// Whether to build the ACK of each HL7 message.
    package var acknowledge = false
    /// At most this many slices of a large piece are prepared at once (``defaultMaxSlices``).
    package var maxSlices = IngestPipeline.defaultMaxSlices
    /// Keep what `remindctl preview` shows besides the messages: each candidate's
    /// rendering and each skipped row's reason (``PreparedInput/renderings``, ``PreparedInput/notes``).
    package var keepsDetails = false

    /// How the note of a row that withdraws ends (`status 'cancelled' withdraws …`).
    static let withdrawNoteSuffix = " withdraws its pending reminders"

    /// The reason a row of an opted-out number is refused with, and its pending message withdrawn with.
    package static let optedOutReason = "opted-out"

    package func prepare(_ bytes: [UInt8], file: String, now: Date, optOuts: OptOutList) -> Result<PreparedInput, InputError> {
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
        if acknowledge, parsed.hl7Messages == nil, let hl7 = parser as? HL7SIUParser, let messages = try? hl7.messages(bytes, file: file) {
            acknowledge(messages, into: &out, now: now)
        }
        return .success(out)
    }

    /// The ACK of each of `messages` (a whole file's, or a piece's), in order, once their
    /// rows are prepared in `out`. A valid message that gives no reminder (no mobile, a
    /// landline, an opted-out number, a status not reminded, an appointment already past)
    /// is still accepted: AA, with the reason in its text. AE is for messages that could
    /// not be read.
    private func acknowledge(_ messages: [HL7MessageResult], into out: inout PreparedInput, now: Date) {
        var reasons: [Int: String] = [:]
        for r in out.rejections + out.notes where !r.reason.hasSuffix(Self.withdrawNoteSuffix) {
            reasons[r.position.line] = reasons[r.position.line].map { $0 + "; " + r.reason } ?? r.reason
        }
        out.ack = messages.compactMap { message -> [UInt8]? in
            guard case .accepted = message.outcome, let header = message.header else {
                return HL7Acknowledgement.make(for: message, time: now, timeZone: timeZone)
            }
            let reason = reasons[message.line].map { "no reminder: " + $0 }
            return HL7Acknowledgement.make(for: header, code: .accept, reason: reason, time: now, timeZone: timeZone)
        }.flatMap { $0 }
        out.acceptedWithoutReminder = out.notes.filter { !$0.reason.hasSuffix(Self.withdrawNoteSuffix) }
        if !keepsDetails { out.notes = [] }
    }

    /// The reader for a file read in pieces (CSV, JSON Lines, and HL7 whole messages at a
    /// time, each piece's ACKs with it: see ``prepare(_:now:optOuts:)``).
    package func stream(file: String) -> (any RecordStream)? {
        guard let streaming = parser as? any StreamingInputParser else { return nil }
        return streaming.stream(file: file)
    }

    /// Turns parsed records (a whole file's, or one piece's) into candidate messages and
    /// withdrawals, with the ACKs of a piece of an HL7 file; a whole file's snapshot cover
    /// and ACK are the caller's.
    package func prepare(_ parsed: ParsedInput, now: Date, optOuts: OptOutList) -> PreparedInput {
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
                out.cleanedRows += parts[c].cleanedRows
                out.renderings += parts[c].renderings
                out.notes += parts[c].notes
                out.severalNumbers += parts[c].severalNumbers
                out.configurationProblems += parts[c].configurationProblems
                parts[c] = PreparedInput()  // each slice freed as soon as it is merged
            }
        }
        // Ids in file order, whatever the chunks: the scheduler breaks ties by id.
        for i in out.candidates.indices { out.candidates[i].id = ids.next() }
        // A piece of an HL7 file: its messages' ACKs, in order.
        if acknowledge, let messages = parsed.hl7Messages { acknowledge(messages, into: &out, now: now) }
        return out
    }

    /// Rows from this many records up are prepared in parallel slices.
    package static let parallelThreshold = 4096
    package static let placeholderID = MessageID(rawValue: 0)

    /// One slice per core but one (at most 4, at least 1): the core left over keeps
    /// releases, remindctl and the spool's commits of earlier pieces going during an ingest.
    package static let defaultMaxSlices = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount - 1))

    package static func chunkCount(rows: Int, maxSlices: Int = defaultMaxSlices) -> Int {
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
                if keepsDetails {
                    part.notes.append(RowRejection(position: record.position, reason: "status '\(a.status)'" + Self.withdrawNoteSuffix))
                }
                continue
            }
            guard statuses.contains(a.status) else {
                // Only appointments in a reminded status are reminded: one that moved out of
                // that set (waitlist, complete, …) keeps no pending reminder either.
                for r in reminders { part.withdrawals.append((MessageKey(source: source, recordID: a.id, rule: r.name), a.status)) }
                part.skipped += 1
                if keepsDetails || acknowledge {
                    part.notes.append(RowRejection(position: record.position, reason: "status '\(a.status)' is not reminded"))
                }
                continue
            }
            guard a.start > now else {
                part.skipped += 1
                if keepsDetails || acknowledge {
                    part.notes.append(RowRejection(position: record.position, reason: "the appointment has already started"))
                }
                continue
            }
            if let reason = record.unremindable {
                part.rejections.append(RowRejection(position: record.position, reason: reason))
                continue
            }
            guard let recipient = part.recipient(of: phoneFields.candidates(in: a), at: record.position, phones: phones) else { continue }
            if optOuts.contains(recipient) {
                part.rejections.append(RowRejection(position: record.position, reason: Refusal.optedOut.description))
                for r in reminders { part.withdrawals.append((MessageKey(source: source, recordID: a.id, rule: r.name), Self.optedOutReason)) }
                continue
            }
            let rendered: RenderedText
            do {
                rendered = try templates.render(kind: .appointment, fields: fields.make(a), variant: nil)
            } catch {
                let problem = RowRejection(position: record.position, reason: "\(error)")
                if error.isConfigurationProblem { part.configurationProblems.append(problem) } else { part.rejections.append(problem) }
                continue
            }
            if !rendered.cleaned.isEmpty { part.cleanedRows += 1 }
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
                if keepsDetails { part.renderings.append(rendered) }
            }
        }
    }

    /// A `yyyy-MM-dd` (or `dd/MM/yyyy`) date in an extra column, found like a header.
    package static func localDate(_ extra: [String: String], _ column: String) -> LocalDate? {
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
