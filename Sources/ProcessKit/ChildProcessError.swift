/// Why a ``ChildProcess`` gave no ``ChildProcess/Outcome``.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a caller decides on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable { case notStarted, lost }
        let value: Value
        /// The command was never started (missing, not executable, no resources): it did nothing.
        public static let notStarted = Code(value: .notStarted)
        /// The command was started but could not be followed to its end: it may have done its work.
        public static let lost = Code(value: .lost)
        public var description: String { value == .notStarted ? "not started" : "lost" }
    }

    public let code: Code
    /// What happened, with the command's path (never its input or environment).
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
