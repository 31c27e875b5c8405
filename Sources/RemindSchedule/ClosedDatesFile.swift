import Foundation

/// A holiday file: the local dates on which no delivery window opens (public holidays, the
/// practice's closures), as `[schedule] closed_dates` names it.
///
/// ```
/// # Harbour Dental, closed dates (Australia/Sydney)
/// 2026-01-01              # New Year's Day
/// 2026-01-26              # Australia Day
/// 2026-12-24..2027-01-04  # Christmas closure, both ends included
/// ```
///
/// One date per line as `YYYY-MM-DD`, or an inclusive range `YYYY-MM-DD..YYYY-MM-DD`;
/// `#` starts a comment; blank lines, surrounding spaces, CRLF line ends and a UTF-8 byte
/// order mark are allowed. Dates may repeat and ranges may overlap. A range is at most
/// ``maxRangeDays`` long, so a mistyped year (`2026-12-24..2036-01-04`) is an error rather
/// than a decade without messages. Every bad line is reported, each with its number.
public enum ClosedDatesFile {
    /// The longest range a line may give, in days (both ends included).
    public static let maxRangeDays = 366

    /// Reads and parses the holiday file at `path`. Blocking file I/O: call it where the
    /// configuration is read, not on the cooperative pool's hot path.
    public static func load(path: String) throws(ClosedDatesError) -> Set<LocalDate> {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file (permission denied?)"
                : "no such file"
            throw ClosedDatesError(code: .unreadable, file: path, message: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ClosedDatesError(code: .unreadable, file: path, message: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses holiday file text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ClosedDatesError) -> Set<LocalDate> {
        var dates: Set<LocalDate> = []
        var problems: [ClosedDatesError.Problem] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, raw) in lines.enumerated() {
            var line = raw[...]
            if index == 0, line.first == "\u{FEFF}" { line = line.dropFirst() }
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let content = line.trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            switch entry(content) {
            case .success(let range):
                for day in range.lowerBound.daysSince1970...range.upperBound.daysSince1970 {
                    dates.insert(LocalDate(daysSince1970: day))
                }
            case .failure(let problem):
                problems.append(.init(line: index + 1, reason: problem.reason))
            }
        }
        if !problems.isEmpty {
            let message = problems.count == 1 ? "a line is not a date or a date range"
                : "\(problems.count) lines are not dates or date ranges"
            throw ClosedDatesError(code: .invalidLine, file: file, message: message, problems: problems)
        }
        return dates
    }

    struct Problem: Error {
        var reason: String
    }

    /// One line's content (comment and spaces removed) as an inclusive range of dates.
    static func entry(_ content: String) -> Result<ClosedRange<LocalDate>, Problem> {
        let shown = content.count > 40 ? String(content.prefix(40)) + "…" : content
        let ends = content.components(separatedBy: "..")
        let expected = "expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (a comment starts with #)"
        guard ends.count <= 2 else { return .failure(Problem(reason: "'\(shown)': \(expected)")) }
        var parsed: [LocalDate] = []
        for end in ends {
            let text = end.trimmingCharacters(in: .whitespaces)
            guard let date = LocalDate(text) else {
                let what = Self.looksLikeADate(text) ? "'\(text)' is not a calendar date" : "'\(shown)': \(expected)"
                return .failure(Problem(reason: what))
            }
            parsed.append(date)
        }
        let first = parsed[0], last = parsed[parsed.count - 1]
        guard first <= last else { return .failure(Problem(reason: "the range \(first)..\(last) ends before it starts")) }
        let days = last.daysSince1970 - first.daysSince1970 + 1
        guard days <= maxRangeDays else {
            return .failure(Problem(reason: "the range \(first)..\(last) is \(days) days long, more than \(maxRangeDays): check the years, or split it"))
        }
        return .success(first...last)
    }

    /// `NNNN-NN-NN`: the shape of a date, whatever its values (`2026-02-30`, `2026-13-01`).
    static func looksLikeADate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [4, 2, 2] && parts.allSatisfy { $0.allSatisfy { ("0"..."9").contains($0) } }
    }
}
