/// The data coding an SMS is sent with.
public enum SMSEncoding: String, Sendable, Hashable, Codable, CaseIterable {
    /// The GSM 03.38 default alphabet: 7-bit septets, 160 per single message, 153 per
    /// part of a concatenated one. Extension-table characters cost two septets.
    case gsm7
    /// UCS-2 (UTF-16 on the wire): 70 units per single message, 67 per part; a character
    /// outside the Basic Multilingual Plane (an emoji) is a surrogate pair of two units.
    case ucs2

    /// Units that fit in a single, unconcatenated message.
    public var singleCapacity: Int {
        switch self {
        case .gsm7: 160
        case .ucs2: 70
        }
    }

    /// Units that fit in each part of a concatenated message (the user data header takes the rest).
    public var partCapacity: Int {
        switch self {
        case .gsm7: 153
        case .ucs2: 67
        }
    }
}
