import Foundation
import SystemdKit
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Everything that reads the process environment ($NOTIFY_SOCKET, $WATCHDOG_USEC,
/// $WATCHDOG_PID, $CREDENTIALS_DIRECTORY): one serialized suite, since the tests change it.
/// The notifier is checked against the real libsystemd sending to a real AF_UNIX datagram
/// socket, reading back the exact datagrams.
@Suite(.serialized) struct ProcessEnvironmentTests {
    /// A bound AF_UNIX datagram socket in a fresh temporary directory.
    final class DatagramSocket {
        let directory: String
        let path: String
        let fd: Int32

        init() throws {
            var template = Array("/tmp/notify-test-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            directory = String(cString: try #require(made))
            path = directory + "/notify.sock"
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            try #require(fd >= 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            try #require(bound == 0, "bind \(path): errno \(errno)")
        }

        /// The next datagram, or nil when none is queued.
        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count >= 0 else { return nil }
            return String(decoding: buffer[0..<count], as: UTF8.self)
        }

        deinit {
            close(fd)
            unlink(path)
            rmdir(directory)
        }
    }

    /// Runs `body` with `NOTIFY_SOCKET` pointing at a fresh socket, then unsets it.
    func withNotifySocket(_ body: (DatagramSocket) throws -> Void) throws {
        let socket = try DatagramSocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        try body(socket)
    }

    @Test func eachNotificationSendsItsExactDatagram() throws {
        try withNotifySocket { (socket: DatagramSocket) throws in
            let notifier = Notifier()
            #expect(notifier.isEnabled)
            #expect(try notifier.ready())
            #expect(socket.receive() == "READY=1\n")
            #expect(try notifier.stopping())
            #expect(socket.receive() == "STOPPING=1\n")
            #expect(try notifier.watchdog())
            #expect(socket.receive() == "WATCHDOG=1\n")
            #expect(try notifier.status("queued 12, next 09:00"))
            #expect(socket.receive() == "STATUS=queued 12, next 09:00\n")
            #expect(try notifier.status("two\nlines"))
            #expect(socket.receive() == "STATUS=two lines\n")
            #expect(try notifier.extendTimeout(.seconds(5) + .milliseconds(250)))
            #expect(socket.receive() == "EXTEND_TIMEOUT_USEC=5250000\n")
            #expect(try notifier.send(["STATUS": "a", "ERRNO": "2"]))
            #expect(socket.receive() == "STATUS=a\nERRNO=2\n")
            #expect(socket.receive() == nil)
        }
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        try withNotifySocket { (socket: DatagramSocket) throws in
            var before = timespec(), after = timespec()
            clock_gettime(CLOCK_MONOTONIC, &before)
            #expect(try Notifier().reloading())
            clock_gettime(CLOCK_MONOTONIC, &after)
            let datagram = try #require(socket.receive())
            let lines = datagram.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first == "RELOADING=1")
            let value = try #require(lines.last.flatMap { $0.split(separator: "=").last }.flatMap { UInt64($0) })
            #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true)
            let low = UInt64(before.tv_sec) * 1_000_000 + UInt64(before.tv_nsec) / 1000
            let high = UInt64(after.tv_sec) * 1_000_000 + UInt64(after.tv_nsec) / 1000
            #expect(low <= value && value <= high)
        }
    }

    @Test func withoutNotifySocketEveryCallIsANoOp() throws {
        unsetenv("NOTIFY_SOCKET")
        let notifier = Notifier()
        #expect(!notifier.isEnabled)
        #expect(try notifier.ready() == false)
        #expect(try notifier.status("nobody listens") == false)
    }

    @Test func aMissingSocketThrowsNotifyFailed() throws {
        setenv("NOTIFY_SOCKET", "/nonexistent-dir/notify.sock", 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let error = #expect(throws: SystemdError.self) { try Notifier().ready() }
        #expect(error?.code == .notifyFailed)
        #expect(error?.errno == ENOENT)
        #expect(error?.path == "/nonexistent-dir/notify.sock")
    }

    @Test func watchdogIntervalFollowsWatchdogUsecAndPid() {
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        unsetenv("WATCHDOG_USEC")
        unsetenv("WATCHDOG_PID")
        #expect(Notifier.watchdogInterval() == nil)

        setenv("WATCHDOG_USEC", "30000000", 1)
        #expect(Notifier.watchdogInterval() == .seconds(30))

        setenv("WATCHDOG_PID", String(getpid()), 1)
        #expect(Notifier.watchdogInterval() == .seconds(30))

        setenv("WATCHDOG_PID", String(getpid() + 1), 1)
        #expect(Notifier.watchdogInterval() == nil)

        setenv("WATCHDOG_PID", String(getpid()), 1)
        setenv("WATCHDOG_USEC", "not-a-number", 1)
        #expect(Notifier.watchdogInterval() == nil)
    }

    @Test func credentialsComeFromCredentialsDirectory() throws {
        unsetenv("CREDENTIALS_DIRECTORY")
        let missing = #expect(throws: SystemdError.self) { try Credentials() }
        #expect(missing?.code == .credentialsDirectoryMissing)

        let directory = NSTemporaryDirectory() + "creds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "s3cret\n".write(toFile: directory + "/smpp-password", atomically: true, encoding: .utf8)
        setenv("CREDENTIALS_DIRECTORY", directory, 1)
        defer { unsetenv("CREDENTIALS_DIRECTORY") }
        let credentials = try Credentials()
        #expect(credentials.directory == directory)
        #expect(try credentials.string("smpp-password") == "s3cret")
    }
}
