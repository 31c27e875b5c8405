import Foundation
import Synchronization
import RemindControl
import RemindTesting
import Testing

@Suite struct ControlSocketTests {
    @Test func requestAndAnswerOverARealUnixSocket() async throws {
        let path = NSTemporaryDirectory() + "remindd-ctl-\(UUID().uuidString.prefix(8)).sock"
        let report = StatusReport(
            pid: 42, startedAt: Date(timeIntervalSince1970: 1_795_000_000), counts: ["queued": 3],
            nextRelease: nil, sentToday: 1, failedToday: 0, problem: nil, line: "queued 3")
        let server = ControlServer(path: path) { request in
            request.command == .status ? ControlResponse(ok: true, status: report) : .failure("unknown")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            // Bounded wait for the socket to appear.
            for _ in 0..<200 where access(path, F_OK) != 0 { try await Task.sleep(for: .milliseconds(10)) }
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o660)
            let response = try await ControlClient(path: path).send(ControlRequest(.status))
            #expect(response.ok)
            #expect(response.status == report)
            group.cancelAll()
        }
        #expect(access(path, F_OK) != 0, "the socket file is removed on shutdown")
    }

    /// The server names the caller from the kernel's peer credentials (SO_PEERCRED): this
    /// process's pid, uid and gid; a `caller` the request's own bytes claim is ignored.
    @Test func theCallerComesFromThePeerCredentialsNotFromTheRequest() async throws {
        let path = NSTemporaryDirectory() + "remindd-ctl-\(UUID().uuidString.prefix(8)).sock"
        let seen = CallerBox()
        let server = ControlServer(path: path) { request in
            seen.set(request.caller)
            return ControlResponse(ok: true)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            for _ in 0..<200 where access(path, F_OK) != 0 { try await Task.sleep(for: .milliseconds(10)) }
            _ = try await ControlClient(path: path).send(ControlRequest(.status))
            let caller = try #require(seen.get())
            #expect(caller.pid == getpid())
            #expect(caller.uid == getuid() && caller.gid == getgid())
            #expect(caller.user == ControlCaller.userName(getuid()))
            #expect(caller.description.contains("uid=\(getuid()) gid=\(getgid()) pid=\(getpid())"))

            // A forged caller in the JSON line changes nothing.
            let forged = #"{"command":"status","arguments":{},"caller":{"pid":1,"uid":4242,"gid":4242}}"#
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(connected == 0)
            _ = (forged + "\n").withCString { write(fd, $0, strlen($0)) }
            // Off the pool: the control server answers from it.
            await offPool {
                var byte: UInt8 = 0
                while read(fd, &byte, 1) == 1 && byte != UInt8(ascii: "\n") {}
            }
            close(fd)
            #expect(seen.get()?.uid == getuid(), "the request's own caller was believed")
            #expect(seen.get()?.pid == getpid())
            group.cancelAll()
        }
    }

    @Test func missingSocketSaysNotRunning() async {
        do {
            _ = try await ControlClient(path: "/nonexistent/remindd.sock").send(ControlRequest(.status))
            Issue.record("expected an error")
        } catch let error as ControlClientError {
            #expect(error.code == .notRunning)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

/// The last caller a test server saw.
private final class CallerBox: Sendable {
    private let value = Mutex<ControlCaller?>(nil)
    func set(_ caller: ControlCaller?) { value.withLock { $0 = caller } }
    func get() -> ControlCaller? { value.withLock { $0 } }
}
