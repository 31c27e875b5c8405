/// A date, time or date-time format in the letters of Unicode (ICU, `DateFormatter`)
/// patterns, parsed strictly and in the POSIX (English) locale: `yyyy-MM-dd HH:mm`,
/// `dd/MM/yyyy`, `d/M/yyyy h:mm a`, `dd.MM.yy`, `yyyyMMdd`, `HH:mm:ss`, `d MMM yyyy`.
///
/// Supported letters: `y` (`yy` two digits, meaning 2000–2099; `yyyy` four), `M`/`MM`
/// (number), `MMM`/`MMMM` (English month name), `d`, `H` (0–23), `h` (1–12 with `a`),
/// `m`, `s`, `S` (fraction of a second, ignored), `a` (AM/PM, any case), `E`… (English
/// weekday name, checked as a name only). Text in single quotes is literal (`''` is a
/// quote); any other non-letter is literal. A one-letter numeric field takes one or two
/// digits, a two-letter one exactly two when another number follows directly
/// (`yyyyMMdd`), else one or two. The whole value must match; calendar dates are checked
/// (no 30 February).
///
/// remindd parses these itself rather than through `DateFormatter`, which takes about
/// 70 µs per value on these machines and accepts a two-digit year for `yyyy` as year 25.
/// The semantics are those of a POSIX-locale, non-lenient `DateFormatter` on valid input.
public struct DateTimePattern: Hashable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    let elements: [Element]

    enum Field: Hashable, Sendable {
        case year, month, monthName, day, hour24, hour12, minute, second, fraction, amPM, weekdayName
    }

    enum Element: Hashable, Sendable {
        case field(Field, width: Int)
        case literal([UInt8])
    }

    /// Why a pattern string is not usable.
    public struct PatternError: Error, Hashable, Sendable, CustomStringConvertible {
        public var pattern: String
        public var message: String
        public var description: String { "date pattern \"\(pattern)\": \(message)" }
    }

    /// Compiles a pattern; throws for letters remindd does not support and unclosed quotes.
    public init(_ pattern: String) throws(PatternError) {
        self.pattern = pattern
        var elements: [Element] = []
        var literal: [UInt8] = []
        let bytes = Array(pattern.utf8)
        var i = 0
        func flushLiteral() {
            if !literal.isEmpty {
                elements.append(.literal(literal))
                literal = []
            }
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "'") {
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "'") {
                    literal.append(byte)
                    i += 2
                    continue
                }
                i += 1
                var closed = false
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "'") {
                        if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "'") {
                            literal.append(bytes[i])
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    literal.append(bytes[i])
                    i += 1
                }
                guard closed else { throw PatternError(pattern: pattern, message: "a quote is not closed") }
                continue
            }
            let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            guard isLetter else {
                literal.append(byte)
                i += 1
                continue
            }
            var width = 1
            while i + width < bytes.count && bytes[i + width] == byte { width += 1 }
            i += width
            let field: Field
            switch byte {
            case UInt8(ascii: "y"):
                field = .year
                width = width == 2 ? 2 : 4
            case UInt8(ascii: "M"), UInt8(ascii: "L"):
                field = width >= 3 ? .monthName : .month
            case UInt8(ascii: "d"): field = .day
            case UInt8(ascii: "H"): field = .hour24
            case UInt8(ascii: "h"): field = .hour12
            case UInt8(ascii: "m"): field = .minute
            case UInt8(ascii: "s"): field = .second
            case UInt8(ascii: "S"): field = .fraction
            case UInt8(ascii: "a"): field = .amPM
            case UInt8(ascii: "E"): field = .weekdayName
            default:
                throw PatternError(
                    pattern: pattern, message: "the letter \(Character(Unicode.Scalar(byte))) is not supported")
            }
            if [.month, .day, .hour24, .hour12, .minute, .second].contains(field) && width > 2 {
                throw PatternError(pattern: pattern, message: "a numeric field has more than two letters")
            }
            flushLiteral()
            elements.append(.field(field, width: width))
        }
        flushLiteral()
        guard !elements.isEmpty else { throw PatternError(pattern: pattern, message: "the pattern is empty") }
        self.elements = elements
    }

    public var description: String { pattern }

    /// Whether the pattern names a full date (year, month and day).
    public var hasDate: Bool {
        let fields = Set(elements.compactMap { if case .field(let f, _) = $0 { f } else { nil } })
        return fields.contains(.year) && (fields.contains(.month) || fields.contains(.monthName)) && fields.contains(.day)
    }

    /// Whether the pattern names a time of day (at least the hour).
    public var hasTime: Bool {
        elements.contains { element in
            if case .field(let field, _) = element { return field == .hour24 || field == .hour12 }
            return false
        }
    }

    /// Parses `text` (already trimmed). Missing date fields stay nil; missing time fields
    /// are 0. Nil when the text does not match or names no real date or time.
    func parse(_ text: Substring) -> CivilDateTime? {
        let bytes = Array(text.utf8)
        var i = 0
        var result = CivilDateTime()
        var hour12: Int?
        var isPM: Bool?
        for (position, element) in elements.enumerated() {
            switch element {
            case .literal(let literal):
                guard i + literal.count <= bytes.count, bytes[i..<(i + literal.count)].elementsEqual(literal) else {
                    return nil
                }
                i += literal.count
            case .field(let field, let width):
                let numberFollows: Bool = {
                    guard position + 1 < elements.count, case .field(let next, _) = elements[position + 1] else {
                        return false
                    }
                    return next != .monthName && next != .amPM && next != .weekdayName
                }()
                switch field {
                case .monthName, .weekdayName, .amPM:
                    var end = i
                    while end < bytes.count && Self.isASCIILetter(bytes[end]) { end += 1 }
                    let word = String(decoding: bytes[i..<end], as: UTF8.self).lowercased()
                    i = end
                    switch field {
                    case .monthName:
                        guard let index = Self.monthNames.firstIndex(where: { $0 == word || $0.prefix(3) == word }) else {
                            return nil
                        }
                        result.month = index + 1
                    case .weekdayName:
                        guard Self.weekdayNames.contains(where: { $0 == word || $0.prefix(3) == word }) else {
                            return nil
                        }
                    default:
                        guard word == "am" || word == "pm" else { return nil }
                        isPM = word == "pm"
                    }
                default:
                    let minimum: Int
                    let maximum: Int
                    switch field {
                    case .year:
                        minimum = width
                        maximum = width
                    case .fraction:
                        minimum = 1
                        maximum = numberFollows ? width : 9
                    default:
                        minimum = numberFollows ? width : 1
                        maximum = numberFollows ? width : 2
                    }
                    var value = 0
                    var digits = 0
                    while digits < maximum && i < bytes.count && Self.isDigit(bytes[i]) {
                        value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                        digits += 1
                        i += 1
                    }
                    guard digits >= minimum else { return nil }
                    switch field {
                    case .year: result.year = width == 2 ? 2000 + value : value
                    case .month: result.month = value
                    case .day: result.day = value
                    case .hour24: result.hour = value
                    case .hour12: hour12 = value
                    case .minute: result.minute = value
                    case .second: result.second = value
                    default: break
                    }
                }
            }
        }
        guard i == bytes.count else { return nil }
        if let hour12 {
            guard (1...12).contains(hour12) else { return nil }
            result.hour = (hour12 % 12) + ((isPM ?? false) ? 12 : 0)
        }  // With a 24-hour field (`H`) an AM/PM marker is ignored, as ICU does.
        guard result.isValid else { return nil }
        return result
    }

    private static let monthNames = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ]
    private static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }
}
