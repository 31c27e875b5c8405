/// A failure talking to systemd: a notification that could not be sent, or a credential
/// that is missing or unreadable. Never carries a credential's value.
public struct SystemdError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable value to compare against.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notifyFailed
            case credentialsDirectoryMissing
            case credentialMissing
            case credentialUnreadable
            case credentialNotUTF8
            case invalidCredentialName
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `sd_notify` failed to send to `$NOTIFY_SOCKET`.
        public static let notifyFailed = Code(.notifyFailed)
        /// `$CREDENTIALS_DIRECTORY` is not set (no `LoadCredential=`/`SetCredential=` in the unit).
        public static let credentialsDirectoryMissing = Code(.credentialsDirectoryMissing)
        /// The credentials directory has no credential of that name.
        public static let credentialMissing = Code(.credentialMissing)
        /// The credential exists but could not be read.
        public static let credentialUnreadable = Code(.credentialUnreadable)
        /// The credential was asked for as text but is not UTF-8.
        public static let credentialNotUTF8 = Code(.credentialNotUTF8)
        /// The name is empty, `.`/`..`, or contains `/` or a NUL.
        public static let invalidCredentialName = Code(.invalidCredentialName)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence for the journal; never contains a credential's value.
    public var message: String
    /// The file involved (the credential's path or the notify socket), when there is one.
    public var path: String?
    /// The `errno` of the failing call, when there is one.
    public var errno: Int32?

    /// Creates an error; `message` must not contain a credential's value.
    public init(code: Code, message: String, path: String? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.errno = errno
    }

    public var description: String {
        var text = "SystemdError(\(code)): \(message)"
        if let path { text += " [\(path)]" }
        if let errno { text += " (errno \(errno))" }
        return text
    }
}
