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
    /// Elements that had control or bidi characters removed (``ControlCharacters``), with
    /// how many; empty when none had.
    public var cleaned: [String: Int]

    /// A rendered text as given.
    public init(
        text: String, encoding: SMSEncoding, length: Int, segments: Int, template: String,
        truncated: [String] = [], shortened: [String] = [], cleaned: [String: Int] = [:]
    ) {
        self.text = text
        self.encoding = encoding
        self.length = length
        self.segments = segments
        self.template = template
        self.truncated = truncated
        self.shortened = shortened
        self.cleaned = cleaned
    }

    private enum CodingKeys: String, CodingKey {
        case text, encoding, length, segments, template, truncated, shortened, cleaned
    }

    /// Decodes a rendered text; one encoded before ``cleaned`` existed has none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            text: try c.decode(String.self, forKey: .text), encoding: try c.decode(SMSEncoding.self, forKey: .encoding),
            length: try c.decode(Int.self, forKey: .length), segments: try c.decode(Int.self, forKey: .segments),
            template: try c.decode(String.self, forKey: .template),
            truncated: try c.decode([String].self, forKey: .truncated),
            shortened: try c.decode([String].self, forKey: .shortened),
            cleaned: try c.decodeIfPresent([String: Int].self, forKey: .cleaned) ?? [:])
    }

    /// The measure of ``text``.
    public var measure: SMSLength { SMSLength(encoding: encoding, units: length, segments: segments) }
}
