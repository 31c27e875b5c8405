public import FileSystemKit

/// A spool operation that failed: why, on which path, and the file-system cause.
public struct SpoolError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable { case fileSystem, corruptFile, notFound }
        let value: Value
        /// A system call failed; see ``SpoolError/cause`` (ENOSPC: ``SpoolError/isDiskFull``).
        public static let fileSystem = Code(value: .fileSystem)
        /// A message file could not be decoded.
        public static let corruptFile = Code(value: .corruptFile)
        /// No message with that id is in the expected state.
        public static let notFound = Code(value: .notFound)
        public var description: String { "\(value)" }
    }

    public let code: Code
    public let message: String
    public let path: String
    public let cause: FileSystemError?

    public init(code: Code, message: String, path: String, cause: FileSystemError? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    /// The disk or quota is full: ingest must stop and resume when space returns.
    public var isDiskFull: Bool { cause?.code == .noSpace }

    /// What an operator should be told is wrong, in two or three words: `disk full`,
    /// `too many open files` (both pass by themselves), or `spool error`.
    public var trouble: String {
        switch cause?.code {
        case .noSpace?: "disk full"
        case .tooManyOpenFiles?: "too many open files"
        default: "spool error"
        }
    }

    public var description: String {
        if let cause { return "\(message): \(cause)" }
        return "\(message): \(path)"
    }

    static func wrap<T>(_ message: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as FileSystemError {
            throw SpoolError(code: .fileSystem, message: message, path: error.path, cause: error)
        }
    }
}
