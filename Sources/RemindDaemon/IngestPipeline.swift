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
    /// Rows left out on purpose (a status not reminded, an appointment already started).
    var skipped = 0
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

    /// The reason a row of an opted-out number is refused with, and its pending message withdrawn with.
    static let optedOutReason = "opted-out"

    func prepare(_ bytes: [UInt8], file: String, now: Date, optOuts: OptOutList) -> Result<PreparedInput, InputError> {
        let parsed: ParsedInput
        do {
            parsed = try parser.parse(bytes, file: file)
        } catch {
            return .failure(error)
        }
        var out = PreparedInput()
        out.rejections = parsed.rejections
        out.candidates.reserveCapacity(parsed.records.count)
        for record in parsed.records {
            let a = record.appointment
            if withdrawStatuses.contains(a.status) {
                for r in reminders { out.withdrawals.append((MessageKey(source: source, recordID: a.id, rule: r.name), a.status)) }
                continue
            }
            guard statuses.contains(a.status) else {
                out.skipped += 1
                continue
            }
            guard a.start > now else {
                out.skipped += 1
                continue
            }
            let recipient: String
            switch phones.normalize(candidates: phoneFields.candidates(in: a)) {
            case .success(let r): recipient = r.e164
            case .failure(let refusal):
                out.rejections.append(RowRejection(position: record.position, reason: refusal.description))
                continue
            }
            if optOuts.contains(recipient) {
                out.rejections.append(RowRejection(position: record.position, reason: Refusal.optedOut.description))
                for r in reminders { out.withdrawals.append((MessageKey(source: source, recordID: a.id, rule: r.name), Self.optedOutReason)) }
                continue
            }
            let rendered: RenderedText
            do {
                rendered = try templates.render(kind: .appointment, fields: fields.make(a), variant: nil)
            } catch {
                out.rejections.append(RowRejection(position: record.position, reason: "\(error)"))
                continue
            }
            for r in reminders {
                // A reminder that cannot go out in time is still queued: the scheduler ends it
                // `expired`, with its reason in the journal, instead of it vanishing silently.
                guard let schedule = r.rule.schedule(arrival: now, appointmentStart: a.start, timeZone: timeZone) else { continue }
                out.candidates.append(SpoolMessage(
                    id: ids.next(), key: MessageKey(source: source, recordID: a.id, rule: r.name), kind: .appointment,
                    recipient: recipient, text: rendered.text,
                    due: Date(timeIntervalSince1970: max(schedule.due, now).timeIntervalSince1970.rounded(.down)),
                    expires: schedule.expires ?? a.start, appointmentStart: a.start, source: record.position,
                    created: now, encoding: rendered.encoding.rawValue, segments: rendered.segments))
            }
        }
        return .success(out)
    }
}
