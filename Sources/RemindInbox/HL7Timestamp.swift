import Foundation

/// Reads an HL7 v2 TS/DTM value, `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`, as an
/// appointment start: the date and at least the hour are required (an appointment needs
/// a time of day); a missing minute or second is zero and fractions are ignored. With an
/// offset the instant is exact; without one the wall-clock time is read in the practice's
/// zone.
enum HL7Timestamp {
    enum Failure: Error, Hashable {
        /// Not a TS value at all.
        case malformed
        /// A date without a time of day.
        case noTime
        /// A local time skipped by a DST change in the zone.
        case skipped
    }

    static func parse(_ text: String, zone: TimeZone) -> Result<Date, Failure> {
        var c = TimestampCursor(text)
        var time = CivilDateTime()
        guard let year = c.number(4), let month = c.number(2), let day = c.number(2) else { return .failure(.malformed) }
        time.year = year
        time.month = month
        time.day = day
        var hasHour = false
        if let hour = c.number(2) {
            hasHour = true
            time.hour = hour
            if let minute = c.number(2) {
                time.minute = minute
                if let second = c.number(2) {
                    time.second = second
                    if c.take("."), c.skipDigits(limit: 4) == 0 { return .failure(.malformed) }
                }
            }
        }
        var offset: Int?
        switch c.offset(allowingColon: false) {
        case .absent: break
        case .seconds(let seconds): offset = seconds
        case .malformed: return .failure(.malformed)
        }
        guard c.atEnd, time.isValid else { return .failure(.malformed) }
        guard hasHour else { return .failure(.noTime) }
        if let offset {
            return .success(Date(timeIntervalSince1970: TimeInterval(time.wallSeconds - Int64(offset))))
        }
        switch time.resolve(in: zone) {
        case .instant(let date): return .success(date)
        case .skipped: return .failure(.skipped)
        }
    }
}
