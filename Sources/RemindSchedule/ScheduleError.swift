/// An error of the scheduling room: only the wall-clock sleeper's system resources can fail
/// (everything else is pure computation, and misuse is a precondition failure).
public struct ScheduleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case timerUnavailable, eventUnavailable, threadUnavailable }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `timerfd_create` failed (CLOCK_REALTIME).
        public static let timerUnavailable = Code(.timerUnavailable)
        /// `eventfd` failed.
        public static let eventUnavailable = Code(.eventUnavailable)
        /// The sleeper's thread could not be started.
        public static let threadUnavailable = Code(.threadUnavailable)

        public var description: String {
            switch base {
            case .timerUnavailable: "timerUnavailable"
            case .eventUnavailable: "eventUnavailable"
            case .threadUnavailable: "threadUnavailable"
            }
        }
    }

    public var code: Code
    public var message: String
    /// The system call that failed and the errno it left.
    public var systemCall: String
    public var errno: Int32

    public init(code: Code, message: String, systemCall: String, errno: Int32) {
        self.code = code
        self.message = message
        self.systemCall = systemCall
        self.errno = errno
    }

    public var description: String { "\(code): \(message) (\(systemCall) failed, errno \(errno))" }
}
