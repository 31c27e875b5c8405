/// The data coding an SMS is sent with: decided when the text is rendered (RemindText),
/// kept by the spool (`Encoding: gsm7` or `ucs2` in a message file) and handed to the
/// provider with the text (an SMPP provider maps it to `data_coding`).
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

extension SMSEncoding {
    /// The encoding a spool file's `Encoding:` value names: `gsm7` or `ucs2` as remindd
    /// writes them, also in other cases and with a hyphen (`GSM-7`, `UCS-2`); nil for
    /// anything else.
    public init?(name: some StringProtocol) {
        switch name.lowercased().filter({ $0 != "-" && $0 != "_" }) {
        case "gsm7": self = .gsm7
        case "ucs2": self = .ucs2
        default: return nil
        }
    }

    /// How the spool writes it: `gsm7` or `ucs2`.
    public var name: String { rawValue }
}
