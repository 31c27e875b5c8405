package import Foundation
package import RemindConfig
package import RemindCore
package import RemindInbox
package import RemindRecipients
package import RemindSchedule
package import RemindSpool
package import RemindText

/// Turns a list's bytes (recalls, patients, broadcast recipients, private messages) into
/// candidate messages, as ``IngestPipeline`` does for appointments: parse, filter, pick
/// and normalise the number (refusing landlines and opted-out numbers), compute due and
/// expiry per rule, render the text. Pure CPU work with no I/O.
///
/// Every message also gets an *occasion* in ``SpoolMessage/appointmentStart``, the instant
/// the spool compares to tell a re-export from a new occasion: the recall's due time, the
/// birthday's end of day, a broadcast's set time. Broadcasts sent at once and private
/// messages have none: their key alone identifies them (see ``isKeyedOnly``).
package struct ListPipeline: Sendable {
    package let kind: SourceKind
    package let parser: ListParser
    package let templates: TemplateSet
    package let source: String
    package let rules: [Configuration.Source.Rule]
    package let timeZone: TimeZone
    package let fields: FieldMaker
    package let phones: PhoneNumberNormalizer
    package let phoneFields: PhoneFields
    package let ids: MessageIDGenerator
    /// Broadcasts: the template variant, and the filter (column → accepted values, lower-cased).
    package var template: String? = nil
    package var filter: [String: Set<String>] = [:]
    /// Keep each candidate's rendering and each skipped row's reason (`remindctl preview`).
    package var keepsDetails = false

    /// Messages whose key alone identifies them (no occasion): a second file with the same
    /// keys adds nothing, even after the first was sent.
    package static func isKeyedOnly(_ message: SpoolMessage) -> Bool {
        message.appointmentStart == nil && (message.kind == .broadcast || message.kind == .private)
    }

    package func prepare(_ bytes: [UInt8], file: String, now: Date, optOuts: OptOutList) -> Result<PreparedInput, InputError> {
        do {
            return .success(prepare(try parser.parseList(bytes, file: file), file: file, now: now, optOuts: optOuts))
        } catch {
            return .failure(error)
        }
    }

    /// Turns parsed records (a whole list's, or one piece's, see ``ListStream``) into
    /// candidate messages, withdrawals and rejections.
    package func prepare(_ parsed: ParsedList, file: String, now: Date, optOuts: OptOutList) -> PreparedInput {
        var out = PreparedInput()
        out.rejections = parsed.rejections
        for record in parsed.records {
            guard passesFilter(record) else {
                out.skipped += 1
                if keepsDetails { out.notes.append(RowRejection(position: record.position, reason: "not in the broadcast's filter")) }
                continue
            }
            let phoneRecord = Appointment(id: record.id, firstName: "", lastName: "", phone: record.phone, start: now, extra: record.extra)
            guard let recipient = out.recipient(of: phoneFields.candidates(in: phoneRecord), at: record.position, phones: phones) else { continue }
            let plans = rules.compactMap { plan(record, rule: $0, recipient: recipient, file: file, now: now) }
            if optOuts.contains(recipient) {
                out.rejections.append(RowRejection(position: record.position, reason: Refusal.optedOut.description))
                for p in plans { out.withdrawals.append((p.key, IngestPipeline.optedOutReason)) }
                continue
            }
            var cleaned = false
            for p in plans {
                let rendered: RenderedText
                do {
                    rendered = try render(record, occasion: p.fieldsDate ?? now)
                } catch {
                    let problem = RowRejection(position: record.position, reason: "\(error)")
                    if (error as? TextError)?.isConfigurationProblem == true {
                        out.configurationProblems.append(problem)
                    } else {
                        out.rejections.append(problem)
                    }
                    break
                }
                out.candidates.append(SpoolMessage(
                    id: ids.next(), key: p.key, kind: kind.messageKind, recipient: recipient, text: rendered.text,
                    due: Date(timeIntervalSince1970: max(p.due, now).timeIntervalSince1970.rounded(.down)),
                    expires: p.expires, appointmentStart: p.occasion, source: record.position, created: now,
                    encoding: rendered.encoding, segments: rendered.segments, expiryCause: p.expires == nil ? nil : p.cause))
                if keepsDetails { out.renderings.append(rendered) }
                cleaned = cleaned || !rendered.cleaned.isEmpty
            }
            if cleaned { out.cleanedRows += 1 }
        }
        return out
    }

    /// One rule's message for a record, before rendering.
    package struct Plan {
        var key: MessageKey
        var due: Date
        var expires: Date?
        /// What the spool compares across re-exports; nil for keyed-only messages.
        var occasion: Date?
        /// The instant the template's `date`, `time` and `weekday` show.
        var fieldsDate: Date?
        /// What `expires` stands for.
        var cause: ExpiryCause = .deadline
    }

    private func passesFilter(_ record: ListRecord) -> Bool {
        for (column, accepted) in filter {
            guard let value = record.value(ofColumn: column) else { return false }
            if !accepted.contains(value.trimmingCharacters(in: .whitespaces).lowercased()) { return false }
        }
        return true
    }

    private func render(_ record: ListRecord, occasion: Date) throws -> RenderedText {
        if kind == .private { return try templates.prepare(text: record.text) }
        var extra = record.extra
        if !record.text.isEmpty && extra["reason"] == nil { extra["reason"] = record.text }
        if !record.gender.isEmpty && extra["gender"] == nil { extra["gender"] = record.gender }
        let subject = Appointment(
            id: record.id, firstName: record.firstName, lastName: record.lastName, phone: "", start: occasion, extra: extra)
        return try templates.render(kind: kind.messageKind, fields: fields.make(subject), variant: template)
    }
}
