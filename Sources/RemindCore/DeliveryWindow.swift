/// A weekly session in which messages may be released, in the practice's local time.
/// `weekday` is ISO (1 = Monday … 7 = Sunday); minutes count from local midnight, and
/// `end` is exclusive (`end` 1440 means midnight at the end of the day).
public struct DeliveryWindow: Hashable, Sendable, Codable, CustomStringConvertible {
    public var weekday: Int
    public var startMinute: Int
    public var endMinute: Int

    public init(weekday: Int, startMinute: Int, endMinute: Int) {
        precondition((1...7).contains(weekday), "weekday is 1 (Monday) … 7 (Sunday)")
        precondition(0 <= startMinute && startMinute < endMinute && endMinute <= 1440, "0 ≤ start < end ≤ 1440")
        self.weekday = weekday
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    public static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public var description: String {
        func hm(_ m: Int) -> String {
            let h = m / 60, mm = m % 60
            return (h < 10 ? "0" : "") + "\(h):" + (mm < 10 ? "0" : "") + "\(mm)"
        }
        return "\(Self.weekdayNames[weekday - 1]) \(hm(startMinute))-\(hm(endMinute))"
    }
}
