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
        let b = Array(text.utf8)
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for k in 0..<count {
                let byte = b[i + k]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            i += count
            return value
        }
        var time = CivilDateTime()
        guard let year = digits(4), let month = digits(2), let day = digits(2) else { return .failure(.malformed) }
        time.year = year
        time.month = month
        time.day = day
        var hasHour = false
        if let hour = digits(2) {
            hasHour = true
            time.hour = hour
            if let minute = digits(2) {
                time.minute = minute
                if let second = digits(2) {
                    time.second = second
                    if i < b.count && b[i] == UInt8(ascii: ".") {
                        i += 1
                        let fractionStart = i
                        while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 && i - fractionStart < 4 { i += 1 }
                        guard i > fractionStart else { return .failure(.malformed) }
                    }
                }
            }
        }
        var offset: Int?
        if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let hours = digits(2), hours <= 23 else { return .failure(.malformed) }
            var minutes = 0
            if i < b.count {
                guard let m = digits(2), m <= 59 else { return .failure(.malformed) }
                minutes = m
            }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard i == b.count, time.isValid else { return .failure(.malformed) }
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
