/// Why a holiday file (``ClosedDatesFile``) could not be used: the file, and each bad line
/// with its number and reason. Holiday files hold no patient data, so the reasons quote the
/// offending text.
public struct ClosedDatesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case unreadable, invalidLine }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file is missing, unreadable, or not UTF-8 text.
        public static let unreadable = Code(.unreadable)
        /// One or more lines are neither a date, a date range, a comment nor blank.
        public static let invalidLine = Code(.invalidLine)

        public var description: String {
            switch base {
            case .unreadable: "unreadable"
            case .invalidLine: "invalidLine"
            }
        }
    }

    /// One bad line.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// The line number, from 1.
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }

        public var description: String { "line \(line): \(reason)" }
    }

    public var code: Code
    /// The holiday file's path.
    public var file: String
    /// What went wrong, in a sentence.
    public var message: String
    /// The bad lines (``Code/invalidLine``); empty for ``Code/unreadable``.
    public var problems: [Problem]

    public init(code: Code, file: String, message: String, problems: [Problem] = []) {
        self.code = code
        self.file = file
        self.message = message
        self.problems = problems
    }

    /// `FILE: MESSAGE`, or one `FILE:LINE: REASON` line per bad line.
    public var description: String {
        guard !problems.isEmpty else { return "\(file): \(message)" }
        return problems.map { "\(file):\($0.line): \($0.reason)" }.joined(separator: "\n")
    }
}
