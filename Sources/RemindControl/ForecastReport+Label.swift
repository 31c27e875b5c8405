public import Foundation

extension ForecastReport.Window {
    /// How `remindctl forecast` names the window, in the practice's zone:
    /// `Thu 2028-01-06 09:00-17:00`. A window that ends at midnight ends at `24:00`, and one
    /// that runs over several days (windows open around the clock merge) names its last
    /// day: `Thu 2028-01-06 00:00 - Sat 2028-01-08 24:00`, never `00:00-00:00`.
    public func label(in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func format(_ pattern: String, _ date: Date) -> String {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = timeZone
            f.dateFormat = pattern
            return f.string(from: date)
        }
        let startDay = calendar.startOfDay(for: start)
        let endDay = calendar.startOfDay(for: end)
        let atMidnight = end == endDay
        let lastDay = atMidnight ? calendar.date(byAdding: .day, value: -1, to: endDay)! : endDay
        let endTime = atMidnight ? "24:00" : format("HH:mm", end)
        let first = format("EEE yyyy-MM-dd HH:mm", start)
        if lastDay <= startDay { return "\(first)-\(endTime)" }
        return "\(first) - \(format("EEE yyyy-MM-dd", lastDay)) \(endTime)"
    }
}
