package import Foundation
package import RemindCore
import RemindRecipients
package import RemindSpool
package import RemindText

/// An input file's messages, ready for the spool.
package struct PreparedInput: Sendable {
    package var candidates: [SpoolMessage] = []
    /// Keys whose appointments were cancelled, deleted or missed, with the reason.
    package var withdrawals: [(key: MessageKey, reason: String)] = []
    /// Rows that produced no message, each with its line and reason.
    package var rejections: [RowRejection] = []
    /// Rows left out on purpose (a status not reminded, an appointment already started,
    /// a broadcast's filter).
    package var skipped = 0
    /// Rows whose text had control or bidi characters removed from a field value
    /// (``RenderedText/cleaned``); the daemon logs the count at debug level only.
    package var cleanedRows = 0
    /// Rows of an appointment that a later row of the same file (or piece) replaced.
    package var superseded = 0
    /// Rows that could not be rendered for a reason that is the configuration's (no
    /// template for the kind, a template error: ``RemindText/TextError/isConfigurationProblem``).
    /// The daemon holds the whole input in `incoming/` and reads it again after a reload,
    /// instead of rejecting rows a mended configuration would queue.
    package var configurationProblems: [RowRejection] = []
    /// Rows whose phone field held several numbers (``RemindRecipients/Recipient/others``):
    /// the first acceptable mobile was taken; the daemon logs each at notice, masked.
    package var severalNumbers: [SeveralNumbers] = []
    /// For a snapshot source: the range the file covers and the appointment ids it lists.
    package var snapshot: SnapshotCover?
    /// For an acknowledged HL7 source: the ACK of every message, one after the other.
    package var ack: [UInt8]?
    /// For an acknowledged HL7 source: the messages accepted (AA) that give no reminder for
    /// a reason that is not a rejected row (a status not reminded, an appointment already
    /// started), with that reason, so the daemon logs what the ACK says.
    package var acceptedWithoutReminder: [RowRejection] = []
    /// Only when the pipeline keeps details (`remindctl preview`): what rendering made of
    /// each candidate's text (template, length, cuts), one per candidate, in their order.
    package var renderings: [RenderedText] = []
    /// Only when the pipeline keeps details: the rows left out on purpose (counted in
    /// ``skipped`` either way) and the rows that withdraw (a cancelled status), each with
    /// its line and why.
    package var notes: [RowRejection] = []

    package init() {}
}

extension PreparedInput {
    /// A row's recipient: the first acceptable mobile among `candidates` (the others noted
    /// in ``severalNumbers``), or nil with the row rejected for the reason
    /// ``RemindRecipients/PhoneNumberNormalizer`` gives.
    mutating func recipient(
        of candidates: [PhoneFields.Candidate], at position: SourcePosition, phones: PhoneNumberNormalizer
    ) -> String? {
        switch phones.normalize(candidates: candidates) {
        case .success(let r):
            if !r.others.isEmpty {
                severalNumbers.append(SeveralNumbers(position: position, chosen: r.e164, others: r.others))
            }
            return r.e164
        case .failure(let refusal):
            rejections.append(RowRejection(position: position, reason: refusal.description))
            return nil
        }
    }
}
