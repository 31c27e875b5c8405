#if canImport(Glibc)
import Glibc
#endif

/// A failed file-system call: which operation, on which path, and the errno.
public struct FileSystemError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable { case noSpace, tooManyOpenFiles, io, notFound, exists, permission, invalid, other }
        let value: Value
        /// ENOSPC or EDQUOT: the disk (or quota) is full.
        public static let noSpace = Code(value: .noSpace)
        /// EMFILE or ENFILE: the process (LimitNOFILE=) or the system is out of descriptors.
        public static let tooManyOpenFiles = Code(value: .tooManyOpenFiles)
        /// EIO: the device failed.
        public static let io = Code(value: .io)
        public static let notFound = Code(value: .notFound)
        public static let exists = Code(value: .exists)
        public static let permission = Code(value: .permission)
        public static let invalid = Code(value: .invalid)
        public static let other = Code(value: .other)
        public var description: String { "\(value)" }
    }

    public let code: Code
    /// The errno of the failed call.
    public let errno: Int32
    /// The operation, for example `open`, `fsync`, `rename`.
    public let operation: String
    public let path: String

    public init(errno: Int32, operation: String, path: String) {
        self.errno = errno
        self.operation = operation
        self.path = path
        switch errno {
        case ENOSPC, EDQUOT: code = .noSpace
        case EMFILE, ENFILE: code = .tooManyOpenFiles
        case EIO: code = .io
        case ENOENT: code = .notFound
        case EEXIST, ENOTEMPTY: code = .exists
        case EACCES, EPERM, EROFS: code = .permission
        case EINVAL, ENOTDIR, EISDIR, ELOOP: code = .invalid
        default: code = .other
        }
    }

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
