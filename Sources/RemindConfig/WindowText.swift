public import RemindCore

/// Delivery windows as written in the config: `"mon-fri 09:00-17:00"`, `"sat 09:00-12:00"`,
/// `"mon,wed,fri 08:30-12:00"`; `24:00` ends a window at midnight.
public enum WindowText {
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case reason(String)
        public var description: String { if case .reason(let r) = self { r } else { "" } }
    }

    public static func parse(_ text: String) -> Result<[DeliveryWindow], Failure> {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return .failure(.reason("expected DAYS HH:MM-HH:MM, like mon-fri 09:00-17:00")) }
        var days: [Int] = []
        for piece in parts[0].lowercased().split(separator: ",") {
            let range = piece.split(separator: "-")
            guard let first = day(range.first), range.count <= 2 else { return .failure(.reason("'\(piece)' is not a day or day range (mon … sun)")) }
            if range.count == 2 {
                guard let last = day(range.last), last >= first else { return .failure(.reason("'\(piece)' is not a day range (like mon-fri)")) }
                days += Array(first...last)
            } else {
                days.append(first)
            }
        }
        let times = parts[1].split(separator: "-")
        guard times.count == 2, let start = minute(times[0]), let end = minute(times[1]) else {
            return .failure(.reason("'\(parts[1])' is not a time range (like 09:00-17:00)"))
        }
        guard start < end else { return .failure(.reason("the window ends before it starts")) }
        return .success(days.map { DeliveryWindow(weekday: $0, startMinute: start, endMinute: end) })
    }

    static func day(_ s: Substring?) -> Int? {
        guard let s else { return nil }
        return DeliveryWindow.weekdayNames.firstIndex(of: String(s.prefix(3))).map { $0 + 1 }
    }

    static func minute(_ s: Substring) -> Int? {
        let hm = s.split(separator: ":")
        guard hm.count == 2, hm[0].count <= 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
              (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else { return nil }
        return h * 60 + m
    }
}
