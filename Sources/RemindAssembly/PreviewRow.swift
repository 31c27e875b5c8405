/// One row of a sample file as `remindctl preview` shows it: what the daemon's ingest would
/// make of it (``Assembly/preview(_:file:source:now:optOuts:)``). Numbers are masked.
package struct PreviewRow: Sendable, Hashable, Encodable {
    /// The row's line in the file.
    package var line: Int
    /// The record's id (an appointment id; a birthday's with its year).
    package var id: String?
    /// The rules that queue a message for it (one text for them all).
    package var rules: [String]?
    package var recipient: String?
    package var template: String?
    package var text: String?
    package var length: Int?
    package var maxLength: Int?
    package var encoding: String?
    package var segments: Int?
    /// Elements cut to their field limit.
    package var truncated: [String]?
    /// Elements shortened to fit the total.
    package var shortened: [String]?
    /// Elements that had control or bidi characters removed before rendering, one notice
    /// each: `2 control characters removed from last_name`.
    package var cleaned: [String]?
    /// Why the daemon would refuse the row (its journal's "row rejected" reason).
    package var rejected: String?
    /// Why the daemon would leave the row out on purpose (a status not reminded, an
    /// appointment already started, a broadcast's filter).
    package var skipped: String?

    package init(line: Int) {
        self.line = line
    }
}
