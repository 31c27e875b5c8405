public import Foundation

/// The spool's time format: UTC, second precision, `2026-11-24T09:00:00Z`, formatted and
/// parsed by hand (it is on the recovery path of a million files).
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        // civil_from_days (Howard Hinnant)
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var out = ""
        out.reserveCapacity(20)
        func pad(_ v: Int64, _ width: Int) {
            let s = String(v)
            if s.count < width { out += String(repeating: "0", count: width - s.count) }
            out += s
        }
        pad(year, 4); out += "-"; pad(month, 2); out += "-"; pad(day, 2); out += "T"
        pad(secondOfDay / 3600, 2); out += ":"; pad(secondOfDay / 60 % 60, 2); out += ":"; pad(secondOfDay % 60, 2)
        out += "Z"
        return out
    }

    public static func parse(_ text: some StringProtocol) -> Date? {
        let u = Array(text.utf8)
        guard u.count == 20, u[4] == 45, u[7] == 45, u[10] == 84, u[13] == 58, u[16] == 58, u[19] == 90 else { return nil }
        func num(_ range: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in range {
                let c = u[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10),
              let hh = num(11..<13), let mm = num(14..<16), let ss = num(17..<19),
              (1...12).contains(m), (1...31).contains(d), hh < 24, mm < 60, ss < 61 else { return nil }
        // days_from_civil
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = m > 2 ? m - 3 : m + 9
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hh * 3600 + mm * 60 + ss))
    }
}
