public import SystemPackage

/// Why a ``DirectoryWatcher`` could not start or stopped watching.
///
/// Thrown by ``DirectoryWatcher/init(directory:includeSubdirectories:filter:bufferCapacity:)``
/// and, once the watcher runs, by its iterator's `next()`, after which the sequence is over.
public struct DirectoryWatcherError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case notADirectory
            case watchFailed
            case resourceLimit
            case readFailed
            case threadFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The path does not exist or is not a directory (or is a symbolic link).
        public static let notADirectory = Code(.notADirectory)
        /// `inotify_add_watch` or `inotify_init1` failed for another reason (permissions, …).
        public static let watchFailed = Code(.watchFailed)
        /// A per-user inotify limit was reached (`max_user_instances`, `max_user_watches`)
        /// or the process ran out of file descriptors.
        public static let resourceLimit = Code(.resourceLimit)
        /// Reading or polling the inotify descriptor failed while watching.
        public static let readFailed = Code(.readFailed)
        /// The watcher's thread could not be started.
        public static let threadFailed = Code(.threadFailed)

        public var description: String {
            switch base {
            case .notADirectory: "not a directory"
            case .watchFailed: "watch failed"
            case .resourceLimit: "resource limit"
            case .readFailed: "read failed"
            case .threadFailed: "thread failed"
            }
        }
    }

    public var code: Code
    /// A sentence saying what went wrong (no file contents, only paths).
    public var message: String
    /// The directory concerned.
    public var path: FilePath
    /// The system error behind the failure, when there is one.
    public var errno: Errno?

    public init(code: Code, message: String, path: FilePath, errno: Errno? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.errno = errno
    }

    public var description: String {
        var text = "\(message) (\(path))"
        if let errno { text += ": \(errno)" }
        return text
    }
}
