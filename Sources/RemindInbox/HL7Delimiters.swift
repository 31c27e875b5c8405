/// The encoding characters of one HL7 v2 message, read from its own MSH-1 and MSH-2, and
/// the escape sequences built on them.
///
/// Every delimiter is a printable ASCII character that is not a letter, a digit or a
/// space, and no two are the same; a message whose MSH says otherwise is rejected. A
/// delimiter MSH-2 leaves out (some senders omit the subcomponent separator) simply does
/// not occur.
struct HL7Delimiters: Hashable, Sendable {
    var field: UInt8
    var component: UInt8?
    var repetition: UInt8?
    var escape: UInt8?
    var subcomponent: UInt8?
    /// v2.7's truncation character; never a delimiter, only known for `\P\`.
    var truncation: UInt8?

    /// `|^~\&`, the characters nearly every sender uses.
    static let standard = HL7Delimiters(
        field: UInt8(ascii: "|"), component: UInt8(ascii: "^"), repetition: UInt8(ascii: "~"),
        escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&"), truncation: nil)

    init(
        field: UInt8, component: UInt8?, repetition: UInt8?, escape: UInt8?, subcomponent: UInt8?,
        truncation: UInt8?
    ) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }

    /// The delimiters of an MSH segment: its fourth byte and the bytes up to the next field
    /// separator (MSH-2: component, repetition, escape, subcomponent, truncation). Nil when
    /// they break the rules above.
    init?(msh: ArraySlice<UInt8>) {
        let start = msh.startIndex
        guard msh.count >= 4 else { return nil }
        let field = msh[start + 3]
        guard Self.isAllowed(field) else { return nil }
        var characters: [UInt8] = []
        var i = start + 4
        while i < msh.endIndex && msh[i] != field {
            characters.append(msh[i])
            i += 1
        }
        guard characters.count <= 5, characters.allSatisfy(Self.isAllowed) else { return nil }
        guard Set(characters + [field]).count == characters.count + 1 else { return nil }
        func at(_ k: Int) -> UInt8? { k < characters.count ? characters[k] : nil }
        self.init(
            field: field, component: at(0), repetition: at(1), escape: at(2), subcomponent: at(3), truncation: at(4))
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        guard byte > 0x20 && byte < 0x7F else { return false }
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            return false
        default: return true
        }
    }

    /// MSH-2 as written: the encoding characters after the field separator.
    var encodingCharacters: [UInt8] {
        var out: [UInt8] = []
        for c in [component, repetition, escape, subcomponent, truncation] {
            guard let c else { break }
            out.append(c)
        }
        return out
    }

    // MARK: Escapes

    /// The text of an escaped value: `\F\ \S\ \T\ \R\ \E\` (and v2.7's `\P\`) become their
    /// delimiters, `\Xhh…\` the bytes it spells (as UTF-8 when they are, else CP1252),
    /// `\.br\` and `\.sp\` a space (remindd reads single-line values only), and the
    /// formatting and character-set escapes (`\H\ \N\ \.in\ \.ti\ \.sk\ \.ce\ \.fi\ \.nf\
    /// \Cxxyy\ \Mxxyyzz\ \Z…\`) nothing. An unknown or unterminated sequence stays as
    /// written, so a value like a Windows path is not mangled.
    func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        guard let escape, bytes.contains(escape) else { return Self.text(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            guard byte == escape else {
                out.append(byte)
                i += 1
                continue
            }
            var end = i + 1
            while end < bytes.endIndex && bytes[end] != escape { end += 1 }
            guard end < bytes.endIndex else {
                out.append(contentsOf: bytes[i...])
                break
            }
            let sequence = bytes[(i + 1)..<end]
            if let replacement = self.replacement(for: sequence) {
                out.append(contentsOf: replacement)
            } else {
                out.append(contentsOf: bytes[i...end])
            }
            i = end + 1
        }
        return Self.text(out[...])
    }

    /// What an escape sequence (without its escape characters) stands for; nil when unknown.
    private func replacement(for sequence: ArraySlice<UInt8>) -> [UInt8]? {
        guard let first = sequence.first else { return nil }
        let rest = sequence.dropFirst()
        if rest.isEmpty {
            switch first {
            case UInt8(ascii: "F"): return [field]
            case UInt8(ascii: "S"): return component.map { [$0] }
            case UInt8(ascii: "T"): return subcomponent.map { [$0] }
            case UInt8(ascii: "R"): return repetition.map { [$0] }
            case UInt8(ascii: "E"): return escape.map { [$0] }
            case UInt8(ascii: "P"): return truncation.map { [$0] }
            case UInt8(ascii: "H"), UInt8(ascii: "N"): return []
            default: return nil
            }
        }
        switch first {
        case UInt8(ascii: "X"):
            guard rest.count % 2 == 0, let decoded = Self.hex(rest) else { return nil }
            return decoded
        case UInt8(ascii: "C"):
            return rest.count == 4 && Self.hex(rest) != nil ? [] : nil
        case UInt8(ascii: "M"):
            return (rest.count == 4 || rest.count == 6) && Self.hex(rest) != nil ? [] : nil
        case UInt8(ascii: "Z"):
            return []
        case UInt8(ascii: "."):
            let command = Array(rest.prefix(2))
            switch command {
            case Array("br".utf8) where rest.count == 2: return [0x20]
            case Array("sp".utf8): return [0x20]
            case Array("in".utf8), Array("ti".utf8), Array("sk".utf8): return []
            case Array("ce".utf8) where rest.count == 2, Array("fi".utf8) where rest.count == 2,
                Array("nf".utf8) where rest.count == 2:
                return []
            default: return nil
            }
        default: return nil
        }
    }

    private static func hex(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = digits.startIndex
        while i + 1 < digits.endIndex {
            guard let high = nibble(digits[i]), let low = nibble(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// UTF-8 text; bytes that are not (from `\X…\`) are read as CP1252.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(decoding: CP1252.decodeToUTF8(bytes), as: UTF8.self)
    }

    /// `text` escaped for a field of a message with these delimiters: each delimiter and
    /// the escape character as its escape sequence, line breaks as `\.br\`, other control
    /// characters as `\Xhh\`. Without an escape character, delimiters become spaces.
    func escape(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            let name: UInt8?
            if byte == field {
                name = UInt8(ascii: "F")
            } else if byte == component {
                name = UInt8(ascii: "S")
            } else if byte == subcomponent {
                name = UInt8(ascii: "T")
            } else if byte == repetition {
                name = UInt8(ascii: "R")
            } else if byte == escape {
                name = UInt8(ascii: "E")
            } else if byte == truncation {
                name = UInt8(ascii: "P")
            } else {
                name = nil
            }
            if let name {
                if let escape { out += [escape, name, escape] } else { out.append(0x20) }
            } else if byte == 0x0A || byte == 0x0D {
                if let escape { out += [escape] + Array(".br".utf8) + [escape] } else { out.append(0x20) }
            } else if byte < 0x20 || byte == 0x7F {
                if let escape {
                    let digits = Array("0123456789ABCDEF".utf8)
                    out += [escape, UInt8(ascii: "X"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)], escape]
                } else {
                    out.append(0x20)
                }
            } else {
                out.append(byte)
            }
        }
        return out
    }
}
