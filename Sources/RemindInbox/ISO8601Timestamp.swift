/// Reads `YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH[:MM]]` (a space may stand for the `T`).
enum ISO8601Timestamp {
    /// The wall-clock time and, when written, its offset from UTC in seconds.
    static func parse(_ text: Substring) -> (time: CivilDateTime, offset: Int?)? {
        var c = TimestampCursor(text)
        guard let year = c.number(4), c.take("-"), let month = c.number(2), c.take("-"), let day = c.number(2) else { return nil }
        guard c.take("T") || c.take("t") || c.take(" ") else { return nil }
        guard let hour = c.number(2), c.take(":"), let minute = c.number(2) else { return nil }
        var second = 0
        if c.take(":") {
            guard let s = c.number(2) else { return nil }
            second = s
            if c.take(".") || c.take(","), c.skipDigits() == 0 { return nil }
        }
        var offset: Int?
        if c.take("Z") || c.take("z") {
            offset = 0
        } else {
            switch c.offset(allowingColon: true) {
            case .absent: break
            case .seconds(let seconds): offset = seconds
            case .malformed: return nil
            }
        }
        guard c.atEnd else { return nil }
        let time = CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard time.isValid else { return nil }
        return (time, offset)
    }
}
