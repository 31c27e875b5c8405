internal import CSystemd
internal import Synchronization
#if canImport(Glibc)
internal import Glibc
#endif

/// Tells the service manager about the daemon's state through `$NOTIFY_SOCKET`
/// (`Type=notify` units). The corresponding C function is `sd_notify`.
///
/// Without `$NOTIFY_SOCKET` (not started by systemd, or not `Type=notify`) every call is
/// a no-op that returns `false`. The value is immutable and `Sendable`; each call sends one
/// datagram and does not block.
///
/// systemd 252 (Debian 12) has no `Type=notify-reload`: on SIGHUP send ``reloading()``,
/// reload, then ``ready()``, with `ExecReload=/bin/kill -HUP $MAINPID` in the unit.
public struct Notifier: Sendable {
    /// Creates a notifier for the socket named by `$NOTIFY_SOCKET`.
    public init() {}

    /// Whether `$NOTIFY_SOCKET` is set, that is, whether notifications go anywhere.
    public var isEnabled: Bool {
        guard let value = getenv("NOTIFY_SOCKET") else { return false }
        return value.pointee != 0
    }

    /// `READY=1`: start-up (or a reload) is complete.
    @discardableResult
    public func ready() throws -> Bool { try send(["READY": "1"]) }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (the current `CLOCK_MONOTONIC` time in µs, which
    /// systemd uses to order the reload against later `READY=1`). Send ``ready()`` when done.
    @discardableResult
    public func reloading() throws -> Bool {
        try send(["RELOADING": "1", "MONOTONIC_USEC": String(Self.monotonicMicroseconds())])
    }

    /// `STOPPING=1`: shutdown has begun.
    @discardableResult
    public func stopping() throws -> Bool { try send(["STOPPING": "1"]) }

    /// `STATUS=`: one line for `systemctl status`. Line breaks are replaced by spaces.
    @discardableResult
    public func status(_ line: String) throws -> Bool {
        try send(["STATUS": Self.singleLine(line)])
    }

    /// `WATCHDOG=1`: the daemon is healthy. Send it at half of ``watchdogInterval()``,
    /// and only while the main loop really makes progress.
    @discardableResult
    public func watchdog() throws -> Bool { try send(["WATCHDOG": "1"]) }

    /// `EXTEND_TIMEOUT_USEC=`: asks for `duration` more before the current start-up, reload
    /// or stop times out. Send it again before it runs out for longer work.
    @discardableResult
    public func extendTimeout(_ duration: Duration) throws -> Bool {
        try send(["EXTEND_TIMEOUT_USEC": String(Self.microseconds(duration))])
    }

    /// Sends `assignments` as one datagram (`KEY=value` lines, in order).
    ///
    /// Keys must be non-empty upper-case names (`[A-Z0-9_]`) and values must not contain a
    /// line break: anything else is a programmer error.
    /// - Returns: `true` when sent, `false` when `$NOTIFY_SOCKET` is not set.
    /// - Throws: ``SystemdError`` with code ``SystemdError/Code/notifyFailed`` when the
    ///   socket exists but the datagram could not be sent.
    @discardableResult
    public func send(_ assignments: KeyValuePairs<String, String>) throws -> Bool {
        precondition(assignments.count > 0, "nothing to notify")
        var state = ""
        for (key, value) in assignments {
            precondition(
                !key.isEmpty && key.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F },
                "notify keys are upper-case names: \(key)")
            precondition(!value.utf8.contains(0x0A), "notify values are single lines")
            state += key + "=" + value + "\n"
        }
        guard let value = getenv("NOTIFY_SOCKET"), value.pointee != 0 else { return false }
        // The process's own socket first: it needs no new descriptor (see NotifyChannel).
        if let sent = NotifyChannel.current(for: String(cString: value))?.send(state) {
            if sent == 0 { return true }
            let socket = getenv("NOTIFY_SOCKET").map { String(cString: $0) }
            throw SystemdError(
                code: .notifyFailed, message: "cannot send to the service manager", path: socket, errno: sent)
        }
        let result = sd_notify(0, state)
        if result < 0 {
            let socket = getenv("NOTIFY_SOCKET").map { String(cString: $0) }
            throw SystemdError(
                code: .notifyFailed, message: "sd_notify failed to send to the service manager",
                path: socket, errno: -result)
        }
        return result > 0
    }

    /// The watchdog interval systemd expects pings within (`WatchdogSec=`), or `nil` when
    /// the watchdog is off for this process (`$WATCHDOG_USEC` unset or invalid, or
    /// `$WATCHDOG_PID` naming another process). Ping at half of it.
    /// The corresponding C function is `sd_watchdog_enabled`.
    public static func watchdogInterval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    // MARK: Helpers

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000)
    }

    static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}

/// One datagram socket to `$NOTIFY_SOCKET` for the life of the process.
///
/// `sd_notify` opens a new socket for every message. A process out of descriptors (EMFILE:
/// a full `LimitNOFILE=`) could then send neither STATUS=, which should say so, nor the
/// watchdog's WATCHDOG=1, so systemd aborted a daemon that only waited for descriptors.
/// With the socket made at start, notifications need no descriptor. The kernel attaches the
/// sender's credentials, so `NotifyAccess=main` still knows who sent them.
final class NotifyChannel: Sendable {
    /// The channel to the socket last named by `$NOTIFY_SOCKET` (made at the first
    /// notification, at start, when descriptors are plentiful; again only if the variable
    /// changes, as in tests).
    private static let cache = Mutex<NotifyChannel?>(nil)

    /// The channel for `socket`, made when it is not the cached one; nil when it cannot be
    /// made (then `sd_notify` is used).
    static func current(for socket: String) -> NotifyChannel? {
        cache.withLock { cached in
            if let cached, cached.socket == socket { return cached }
            cached = NotifyChannel(socket: socket)
            return cached
        }
    }

    let socket: String
    private let fd: Int32
    private let address: sockaddr_un
    private let length: socklen_t

    init?(socket: String) {
        self.socket = socket
        var path = Array(socket.utf8)
        guard let first = path.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let abstract = first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        guard path.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.enumerated() { raw[i] = byte }
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        // A path's length counts its terminating NUL; an abstract name's does not.
        length = socklen_t(offset + path.count + (abstract ? 0 : 1))
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.address = address
    }

    /// Sends one datagram; 0 when sent, else the errno.
    func send(_ state: String) -> Int32 {
        var address = self.address
        let length = self.length
        let fd = self.fd
        let result = state.utf8CString.withUnsafeBufferPointer { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count - 1, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        return result < 0 ? errno : 0
    }

    deinit { close(fd) }
}
