import Foundation
import RemindControl
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
