/// Why a configuration could not be used: every problem found, each naming its key.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The dotted key (`schedule.stagger`), or empty for the file as a whole.
        public var key: String
        public var reason: String
        /// The line in the file, when known (syntax errors).
        public var line: Int?

        public var description: String {
            let at = line.map { "line \($0): " } ?? ""
            return key.isEmpty ? "\(at)\(reason)" : "\(at)\(key): \(reason)"
        }
    }

    public struct Code: Hashable, Sendable {
        enum Value: Hashable, Sendable { case unreadable, syntax, invalid }
        let value: Value
        /// The file could not be read.
        public static let unreadable = Code(value: .unreadable)
        /// The file is not valid TOML.
        public static let syntax = Code(value: .syntax)
        /// Valid TOML with unknown keys or bad values.
        public static let invalid = Code(value: .invalid)
    }

    public let code: Code
    public let file: String
    public let problems: [Problem]

    public init(code: Code, file: String, problems: [Problem]) {
        self.code = code
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `FILE: KEY: REASON`.
    public var description: String {
        problems.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}
