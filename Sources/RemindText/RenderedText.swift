public import RemindCore

/// A message text ready for the spool: the text, how it is sent, and which rules changed it.
public struct RenderedText: Sendable, Hashable, Codable {
    /// The text as the patient will read it.
    public var text: String
    /// The encoding it needs.
    public var encoding: SMSEncoding
    /// Septets (GSM-7) or UTF-16 units (UCS-2).
    public var length: Int
    /// Messages it is sent (and paid) as.
    public var segments: Int
    /// The template's name (`appointment.location-north`); empty for a text prepared
    /// without a template.
    public var template: String
    /// Elements cut to their field limit, in name order.
    public var truncated: [String]
    /// Elements shortened (or dropped) by the total-length rule, in the order applied.
    public var shortened: [String]

    /// A rendered text as given.
    public init(
        text: String, encoding: SMSEncoding, length: Int, segments: Int, template: String,
        truncated: [String] = [], shortened: [String] = []
    ) {
        self.text = text
        self.encoding = encoding
        self.length = length
        self.segments = segments
        self.template = template
        self.truncated = truncated
        self.shortened = shortened
    }

    /// The measure of ``text``.
    public var measure: SMSLength { SMSLength(encoding: encoding, units: length, segments: segments) }
}
