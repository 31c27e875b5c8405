public import RemindCore

/// The size of a text as an SMS: its encoding, its length in that encoding's units and
/// the number of messages (segments) it is sent as.
///
/// The rules are those of GSM 03.38 and the concatenation of 3GPP TS 23.040:
/// - GSM-7 when every character is in the default alphabet or its extension table, else
///   UCS-2. One character outside the alphabet makes the whole message UCS-2.
/// - GSM-7 length counts septets: extension characters (`^ { } \ [ ~ ] | €` and form
///   feed) cost two. UCS-2 length counts UTF-16 units: a surrogate pair costs two.
/// - One segment holds 160 septets or 70 units. A longer text is split into parts of at
///   most 153 septets or 67 units.
/// - As real encoders do, a part never ends between an escape and its extension character,
///   nor between the two halves of a surrogate pair: such a character moves whole to the
///   next part, so a text can need one part more than its length divided by 153 (or 67).
public struct SMSLength: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The encoding the text needs.
    public var encoding: SMSEncoding
    /// Septets (GSM-7) or UTF-16 units (UCS-2).
    public var units: Int
    /// Messages the text is sent as; 1 for an empty text.
    public var segments: Int

    /// A length as given (for tests and for comparing with a gateway's count).
    public init(encoding: SMSEncoding, units: Int, segments: Int) {
        self.encoding = encoding
        self.units = units
        self.segments = segments
    }

    /// Measures `text`.
    public init(_ text: some StringProtocol) {
        self = Self.measure(text)
    }

    /// `gsm7, 153 units, 1 segment`.
    public var description: String {
        "\(encoding.rawValue), \(units) unit\(units == 1 ? "" : "s"), \(segments) segment\(segments == 1 ? "" : "s")"
    }

    /// Measures `text` by the GSM 03.38 rules (see the type's documentation).
    public static func measure(_ text: some StringProtocol) -> SMSLength {
        var septets = 0
        var gsm = true
        for scalar in text.unicodeScalars {
            guard let cost = GSM7.cost(of: scalar) else {
                gsm = false
                break
            }
            septets += cost
        }
        if gsm {
            if septets <= SMSEncoding.gsm7.singleCapacity {
                return SMSLength(encoding: .gsm7, units: septets, segments: 1)
            }
            let segments = pack(text.unicodeScalars, capacity: SMSEncoding.gsm7.partCapacity) { GSM7.cost(of: $0)! }
            return SMSLength(encoding: .gsm7, units: septets, segments: segments)
        }
        let units = text.utf16.count
        if units <= SMSEncoding.ucs2.singleCapacity {
            return SMSLength(encoding: .ucs2, units: units, segments: 1)
        }
        let segments = pack(text.unicodeScalars, capacity: SMSEncoding.ucs2.partCapacity) { $0.utf16.count }
        return SMSLength(encoding: .ucs2, units: units, segments: segments)
    }

    /// The parts `text` is sent as, split where an encoder splits it (see the type's
    /// documentation); a single element when it fits one message.
    public static func parts(_ text: String) -> [Substring] {
        let length = measure(text)
        guard length.segments > 1 else { return [text[...]] }
        let capacity = length.encoding.partCapacity
        let cost: (Unicode.Scalar) -> Int =
            length.encoding == .gsm7 ? { GSM7.cost(of: $0)! } : { $0.utf16.count }
        var parts: [Substring] = []
        var start = text.unicodeScalars.startIndex
        var used = 0
        var index = start
        while index < text.unicodeScalars.endIndex {
            let c = cost(text.unicodeScalars[index])
            if used + c > capacity {
                parts.append(Substring(text.unicodeScalars[start..<index]))
                start = index
                used = 0
            }
            used += c
            text.unicodeScalars.formIndex(after: &index)
        }
        parts.append(Substring(text.unicodeScalars[start..<index]))
        return parts
    }

    /// Parts needed when no character may straddle two parts.
    private static func pack(
        _ scalars: some Sequence<Unicode.Scalar>, capacity: Int, cost: (Unicode.Scalar) -> Int
    ) -> Int {
        var parts = 1
        var used = 0
        for scalar in scalars {
            let c = cost(scalar)
            if used + c > capacity {
                parts += 1
                used = 0
            }
            used += c
        }
        return parts
    }
}
