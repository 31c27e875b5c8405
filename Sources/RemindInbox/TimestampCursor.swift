/// Reads a timestamp's bytes left to right, for ``HL7Timestamp`` and ``ISO8601Timestamp``:
/// fixed-width numbers, single bytes, runs of digits and a UTC offset. A read that does not
/// match consumes nothing.
struct TimestampCursor {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: some StringProtocol) { bytes = Array(text.utf8) }

    /// Whether every byte has been read.
    var atEnd: Bool { index == bytes.count }

    /// The next `count` bytes as a decimal number, or nil when they are not all digits.
    mutating func number(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += count
        return value
    }

    /// Consumes `character` (ASCII) when it is next.
    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    /// Consumes up to `limit` digits; returns how many.
    mutating func skipDigits(limit: Int = .max) -> Int {
        var count = 0
        while count < limit, index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
            index += 1
            count += 1
        }
        return count
    }

    /// A UTC offset, if one comes next.
    enum Offset: Equatable {
        /// No sign next.
        case absent
        /// `±HH[MM]` (or `±HH[:MM]` with the colon allowed): seconds east of UTC.
        case seconds(Int)
        /// A sign not followed by a valid offset.
        case malformed
    }

    /// Reads `+HH[MM]` or `-HH[MM]` (`allowingColon`: `±HH[:MM]` too) when a sign is next;
    /// minutes are required once anything follows the hours.
    mutating func offset(allowingColon: Bool) -> Offset {
        let sign: Int
        if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return .absent }
        guard let hours = number(2), hours <= 23 else { return .malformed }
        var minutes = 0
        if !atEnd {
            if allowingColon { _ = take(":") }
            guard let m = number(2), m <= 59 else { return .malformed }
            minutes = m
        }
        return .seconds(sign * (hours * 3600 + minutes * 60))
    }
}
