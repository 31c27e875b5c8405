import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSpool
import RemindTesting
import Testing

/// The engine handing messages to a real command (a `#!/bin/sh` gateway that counts its
/// calls), and what each answer does to the message.
@Suite struct CommandEngineTests {
    let soon = Date().addingTimeInterval(86400 - 3600)

    /// A gateway script in `dir` that appends a line to `dir/calls` and then runs `body`.
    func gateway(_ dir: String, _ body: String) throws -> String {
        let path = dir + "/gateway"
        try writeExecutable("#!/bin/sh\ncat > /dev/null\necho \"$REMINDD_MESSAGE_ID\" >> \(dir)/calls\n\(body)\n", to: path)
        return path
    }

    func calls(_ dir: String) -> Int {
        ((try? String(contentsOfFile: dir + "/calls", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "remindd-gateway-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func exit75DefersWithARetryTime() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try await EngineFixture(gateway: CommandProvider(argv: [try gateway(dir, "echo 'throttled' >&2; exit 75")]))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        let before = Date()
        await f.drain()
        #expect(calls(dir) == 1)
        #expect(f.files("deferred").count == 1)
        let deferred = try await f.engine.withSpool { spool -> [SpoolEntry] in
            var out: [SpoolEntry] = []
            spool.forEachEntry(in: [.deferred]) { out.append($0) }
            return out
        }
        let due = try #require(deferred.first?.due)
        #expect(due > before.addingTimeInterval(30), "the retry is backed off, not immediate")
        #expect(f.logged(.messageDeferred).first?.metadata[LogKey.reason]?.description.hasSuffix("exited 75: throttled") == true)
        #expect(f.logged(.messageDeferred).first?.metadata[LogKey.provider] == "command")
    }

    @Test func exit1Fails() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try await EngineFixture(gateway: CommandProvider(argv: [try gateway(dir, "echo 'invalid destination' >&2; exit 1")]))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        #expect(f.files("failed").count == 1)
        #expect(f.files("deferred").isEmpty && f.files("sent").isEmpty)
        #expect(await f.engine.statusLine().contains("failed today 1"))
    }

    @Test func exit0IsSentWithTheReference() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try await EngineFixture(gateway: CommandProvider(argv: [try gateway(dir, "echo GW-99")]))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        let sent = try #require(f.files("sent").first)
        let message = try await f.engine.withSpool { spool in try spool.message(try #require(MessageID(sent))) }
        #expect(message.events.last?.detail == "provider=command reference=GW-99")
    }

    @Test func killedBySIGKILLIsUncertainAndNotSentAgainByItself() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try await EngineFixture(gateway: CommandProvider(argv: [try gateway(dir, "kill -9 $$")]))
        try f.drop("a.csv", rows: [("A-1", "0412 345 678", soon, "Scheduled")])
        await f.engine.ingest(inboxName: "a.csv")
        await f.drain()
        #expect(f.files("uncertain").count == 1)
        #expect(f.files("active").isEmpty && f.files("deferred").isEmpty && f.files("failed").isEmpty)
        let logged = try #require(f.logged(.messageUncertain).first)
        #expect(logged.metadata[LogKey.recipient] == "+614******78")
        #expect(logged.metadata[LogKey.state] == "uncertain")
        #expect(logged.level == .warning)
        #expect(await f.engine.statusLine().contains("uncertain 1"))
        // Nothing brings it back: the loop has nothing to release, and the command ran once.
        await f.drain()
        try await Task.sleep(for: .milliseconds(300))
        await f.drain()
        #expect(calls(dir) == 1)
        #expect(f.files("uncertain").count == 1)
        let action = await f.engine.nextAction()
        if case .release(let id) = action { Issue.record("message \(id) was scheduled again") }
    }
}
