public import Foundation
import RemindCore

/// The spool's time format: UTC, second precision, `2026-11-24T09:00:00Z`, formatted and
/// parsed by hand (it is on the recovery path of a million files).
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        append(date, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the 20 bytes of `format(date)` (ingest writes a few per message).
    public static func append(_ date: Date, to out: inout [UInt8]) {
        let (days, secondOfDay) = CivilCalendar.split(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)))
        let (year, month, day) = CivilCalendar.date(daysSince1970: days)
        if (0...9999).contains(year) {
            digits(year, 4, &out)
        } else {
            out.append(contentsOf: String(year).utf8)
        }
        out.append(45); digits(month, 2, &out); out.append(45); digits(day, 2, &out); out.append(84)
        digits(secondOfDay / 3600, 2, &out); out.append(58); digits(secondOfDay / 60 % 60, 2, &out); out.append(58)
        digits(secondOfDay % 60, 2, &out); out.append(90)
    }

    /// `value` (0 ≤ value < 10^width) as exactly `width` decimal digits.
    @inline(__always)
    static func digits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(48 + v / divisor))
            v %= divisor
            divisor /= 10
        }
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
        let days = Int64(CivilCalendar.daysSince1970(year: Int(y), month: Int(m), day: Int(d)))
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hh * 3600 + mm * 60 + ss))
    }
}
