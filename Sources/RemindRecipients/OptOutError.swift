/// Why the opt-out list could not be read or written. Never contains a phone number.
public struct OptOutError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String, Hashable, Sendable { case unreadable, malformed, unwritable }
        let value: Value
        /// The file exists but could not be read.
        public static let unreadable = Code(value: .unreadable)
        /// A line of the file is not an entry; nothing was loaded.
        public static let malformed = Code(value: .malformed)
        /// An addition or removal could not be made durable; the list is unchanged.
        public static let unwritable = Code(value: .unwritable)
        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String
    /// The list's file.
    public let path: String
    /// The 1-based line, for ``Code/malformed``.
    public let line: Int?
    /// The underlying error (a `FileSystemError`), if any.
    public let cause: String?

    public init(code: Code, message: String, path: String, line: Int? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.cause = cause
    }

    /// `PATH[:LINE]: MESSAGE[ (CAUSE)]`.
    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)\(cause.map { " (\($0))" } ?? "")"
    }
}
