import Foundation
import RemindTesting
import SandboxSupport
import Testing

/// The control socket cannot be exhausted: a user of group remindd holding hundreds of
/// idle connections, or a half request, neither takes the descriptors releases need nor
/// blocks remindctl for long. remindd run directly, with its real socket.
@Suite struct ControlSocketLimitsTests {
    static func connect(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if ok != 0 { close(fd); return -1 }
        return fd
    }

    @Test func idleConnectionsAndHalfRequestsAreCappedAndDropped() async throws {
        let d = try HostDaemon(label: "ctl-limits")
        defer { d.cleanUp() }
        let daemon = try d.launch()
        defer { if daemon.isRunning { daemon.terminate() } }
        let socketPath = d.root + "/control.sock"
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(30)) { access(socketPath, F_OK) == 0 }, "\(d.log())")

        // One half request, then 300 connections that never send anything (past the cap of
        // 32, each is answered "too many control connections" and closed).
        let half = Self.connect(socketPath)
        #expect(half >= 0)
        _ = #"{"command":"sta"#.withCString { write(half, $0, strlen($0)) }
        var idle: [Int32] = []
        defer { for fd in idle { close(fd) } }
        for _ in 0..<300 {
            let fd = Self.connect(socketPath)
            if fd >= 0 { idle.append(fd) }
        }

        // The daemon keeps few descriptors for them, and releases go on meanwhile.
        try await Task.sleep(for: .seconds(1))
        let descriptors = (try FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.processIdentifier)/fd")).count
        #expect(descriptors < 150, "\(descriptors) descriptors open in remindd")
        try d.dropExport("a.csv", count: 5)
        #expect(try await HostDaemon.waitUntil(timeout: .seconds(30)) { d.files(in: "sent").count == 5 }, "\(d.log().suffix(2000))")

        // Within the deadline (10 s) the idle ones and the half request are dropped, and
        // remindctl gets its answer.
        var status = try await RemindctlTests.remindctl(["status", "--config", d.config])
        let deadline = ContinuousClock.now + .seconds(30)
        while status.status != 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            status = try await RemindctlTests.remindctl(["status", "--config", d.config])
        }
        #expect(status.status == 0, "\(status.stdout) \(status.stderr)")
        #expect(status.stdout.contains("remindd is running"))
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(half, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let closed = await offPool {
            var byte: UInt8 = 0
            return read(half, &byte, 1)
        }
        #expect(closed == 0, "the half request's connection was not closed")
        close(half)

        daemon.terminate()
        try #require(try await HostDaemon.wait(daemon, timeout: .seconds(30)))
        #expect(daemon.terminationStatus == 0, "\(d.log().suffix(2000))")
    }
}
