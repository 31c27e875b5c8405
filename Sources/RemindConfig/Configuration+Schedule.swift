import RemindSchedule

extension Reader {
    /// A holiday file's error as configuration problems under `schedule.closed_dates`, one
    /// per bad line, each naming the holiday file and the line.
    static func problems(_ error: ClosedDatesError) -> [ConfigError.Problem] {
        let key = "schedule.closed_dates"
        guard !error.problems.isEmpty else { return [.init(key: key, reason: "\(error.file): \(error.message)")] }
        return error.problems.map { .init(key: key, reason: "\(error.file) line \($0.line): \($0.reason)") }
    }
}
