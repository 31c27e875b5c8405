/// The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1) and its extension table.
///
/// The basic table maps 127 characters to one septet each (0x1B is the escape to the
/// extension table, not a character). The extension table adds form feed and
/// `^ { } \ [ ~ ] | €`, each sent as the escape septet followed by its own, so each
/// costs two septets. Every other character needs UCS-2.
///
/// 0x09 is the capital `Ç` as the standard has it; the lower-case `ç` is not in the
/// alphabet (some encoders map it to `Ç`, which changes the text; this one does not).
public enum GSM7 {
    /// The escape septet that precedes an extension-table character.
    public static let escape: UInt8 = 0x1B

    /// The basic table, indexed by septet.
    static let basicTable: [Unicode.Scalar] = {
        let table = Array(
            ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars
        )
        precondition(table.count == 128, "the GSM 03.38 basic table has 128 entries")
        return table
    }()

    /// The extension table: character → septet sent after the escape.
    static let extensionTable: [Unicode.Scalar: UInt8] = [
        "\u{0C}": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F,
        "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
    ]

    /// Septet cost of every ASCII scalar: 1, 2 (extension table) or 0 (not in the alphabet).
    static let asciiCost: [UInt8] = {
        var cost = [UInt8](repeating: 0, count: 128)
        for scalar in basicTable where scalar.value < 128 && scalar != "\u{1B}" { cost[Int(scalar.value)] = 1 }
        for scalar in extensionTable.keys where scalar.value < 128 { cost[Int(scalar.value)] = 2 }
        return cost
    }()

    /// Septet of every non-ASCII scalar of the basic table.
    static let nonASCIIBasic: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (septet, scalar) in basicTable.enumerated() where scalar.value >= 128 { map[scalar] = UInt8(septet) }
        return map
    }()

    static let basicSeptet: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (septet, scalar) in basicTable.enumerated() where scalar != "\u{1B}" { map[scalar] = UInt8(septet) }
        return map
    }()

    /// The septets a scalar costs: 1 (basic table), 2 (extension table) or nil (not GSM-7).
    public static func cost(of scalar: Unicode.Scalar) -> Int? {
        if scalar.value < 128 {
            let cost = asciiCost[Int(scalar.value)]
            return cost == 0 ? nil : Int(cost)
        }
        if nonASCIIBasic[scalar] != nil { return 1 }
        if scalar == "€" { return 2 }
        return nil
    }

    /// Whether every character of `text` is in the GSM-7 alphabet (basic or extension table).
    public static func canEncode(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.allSatisfy { cost(of: $0) != nil }
    }

    /// Whether every character of `text` is in the basic table (one septet each, no escapes).
    public static func isBasic(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.allSatisfy { cost(of: $0) == 1 }
    }

    /// The unpacked septets of `text` (one per octet, as SMPP sends data_coding 0), with
    /// ``escape`` before each extension-table character; nil if a character is not GSM-7.
    public static func septets(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let septet = basicSeptet[scalar] {
                out.append(septet)
            } else if let septet = extensionTable[scalar] {
                out.append(escape)
                out.append(septet)
            } else {
                return nil
            }
        }
        return out
    }

    /// The text of unpacked septets (the inverse of ``septets(_:)``); nil for a value over
    /// 0x7F, an unknown extension or a trailing escape.
    public static func decode(_ septets: some Sequence<UInt8>) -> String? {
        var out = String.UnicodeScalarView()
        var escaped = false
        for septet in septets {
            guard septet < 0x80 else { return nil }
            if escaped {
                guard let scalar = extensionTable.first(where: { $0.value == septet })?.key else { return nil }
                out.append(scalar)
                escaped = false
            } else if septet == escape {
                escaped = true
            } else {
                out.append(basicTable[Int(septet)])
            }
        }
        return escaped ? nil : String(out)
    }
}
