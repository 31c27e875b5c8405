#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The opt-out list's file format: one event per line, tab-separated,
///
///     add<TAB>+61412345678<TAB>2026-05-01T10:00:00Z<TAB>sms-reply
///     remove<TAB>+61412345678<TAB>2026-05-03T09:12:00Z<TAB>remindctl
///
/// read in order (a `remove` cancels an earlier `add`). `#` lines and empty lines are
/// comments. Compaction rewrites the file as the `add` lines of the numbers on the list.
enum OptOutLine {
    enum Verb: String { case add, remove }

    static let header = "# remindd opt-out list: add|remove <TAB> E.164 number <TAB> UTC time <TAB> source\n"

    static func format(_ verb: Verb, _ entry: OptOutEntry) -> String {
        "\(verb.rawValue)\t\(entry.number)\t\(format(entry.date))\t\(entry.source)\n"
    }

    /// A line without its newline; nil if it is not an entry. Comments are `.comment`.
    enum Parsed { case comment, entry(Verb, OptOutEntry) }

    static func parse(_ line: Substring) -> Parsed? {
        if line.isEmpty || line.hasPrefix("#") { return .comment }
        let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4, let verb = Verb(rawValue: String(fields[0])), isE164(fields[1]),
              let date = parseDate(fields[2]) else { return nil }
        return .entry(verb, OptOutEntry(number: String(fields[1]), date: date, source: String(fields[3])))
    }

    /// `+`, a non-zero digit, then 6 to 14 more digits.
    static func isE164(_ text: some StringProtocol) -> Bool {
        let u = Array(text.utf8)
        guard (8...16).contains(u.count), u[0] == UInt8(ascii: "+"), u[1] != UInt8(ascii: "0") else { return false }
        return u.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Tabs, newlines and other control characters become spaces; empty becomes `unknown`.
    static func clean(source: String) -> String {
        let cleaned = String(String.UnicodeScalarView(source.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
            .trimmingWhitespace()
        return cleaned.isEmpty ? "unknown" : cleaned
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC.
    static func format(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    static func parseDate(_ text: some StringProtocol) -> Date? {
        let u = Array(text.utf8)
        guard u.count == 20, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"), u[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var n: Int32 = 0
            for i in range {
                guard u[i] >= UInt8(ascii: "0") && u[i] <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int32(u[i] - UInt8(ascii: "0"))
            }
            return n
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
