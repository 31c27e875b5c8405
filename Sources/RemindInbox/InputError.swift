/// Why a whole input file could not be parsed: it goes to `rejected/` with this as its reason.
///
/// Problems with single rows are not errors but ``ParsedInput/rejections``. The message
/// names the file, the line where known, and the reason; it never quotes file contents,
/// so it is safe for the journal.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case undecodable
            case noHeader
            case missingColumn
            case notHL7
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The bytes are not text in the configured encoding (invalid UTF-8 when UTF-8 is
        /// forced, an odd length or an unpaired surrogate in UTF-16).
        public static let undecodable = Code(.undecodable)
        /// The file has no header line (it is empty or blank).
        public static let noHeader = Code(.noHeader)
        /// The header lacks a column the format requires (id, phone, start or date and time).
        public static let missingColumn = Code(.missingColumn)
        /// The file was given to the HL7 parser but holds no MSH segment.
        public static let notHL7 = Code(.notHL7)

        public var description: String {
            switch base {
            case .undecodable: "undecodable"
            case .noHeader: "no header"
            case .missingColumn: "missing column"
            case .notHL7: "not HL7"
            }
        }
    }

    public var code: Code
    /// The reason, in a sentence without file contents.
    public var message: String
    /// The input file's name as dropped.
    public var file: String
    /// The 1-based physical line the problem is on, when there is one.
    public var line: Int?

    public init(code: Code, message: String, file: String, line: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// `file:line: message`, or `file: message` without a line.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
