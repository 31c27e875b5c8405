import Foundation
import RemindCore
import RemindSpool
import Testing

/// A fresh spool in a temporary directory on the real file system.
final class TemporarySpool {
    let root: String
    let spool: Spool
    let ids = MessageIDGenerator()

    init() throws {
        root = NSTemporaryDirectory() + "remindd-spool-\(UUID().uuidString)"
        spool = Spool(paths: SpoolPaths(root: root))
        try spool.prepare()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func message(_ record: String, start: Date, text: String = "Hi Ann") -> SpoolMessage {
        SpoolMessage(
            id: ids.next(), key: MessageKey(source: "test", recordID: record, rule: "24h"), kind: .appointment,
            recipient: "+61412345678", text: text, due: start.addingTimeInterval(-86400), expires: start,
            appointmentStart: start, source: SourcePosition(file: "a.csv", line: 2), created: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)),
            encoding: .gsm7, segments: 1)
    }

    func names(_ state: MessageState) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool.paths.directory(for: state))) ?? []).sorted()
    }

    /// The messages in a state, batch members included.
    func messages(_ state: MessageState) -> [MessageID] {
        (SpoolInventory.messages(in: spool.paths)[state] ?? []).sorted()
    }

    func dropInput(_ name: String, _ contents: String) throws {
        try contents.write(toFile: spool.paths.inbox + "/" + name, atomically: false, encoding: .utf8)
    }
}

@Suite struct MessageFileTests {
    @Test func roundTripsEveryField() throws {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var m = try TemporarySpool().message("A-1", start: start, text: "Line one\nback\\slash\r ok: yes")
        m.events = [SpoolEvent(time: start, what: "queued"), SpoolEvent(time: start, what: "sent", detail: "provider=outbox id=x\ny")]
        let decoded = try MessageFile.decode(MessageFile.encode(m), path: "x")
        #expect(decoded == m)
    }

    @Test func ignoresATornLastLine() throws {
        let m = try TemporarySpool().message("A-1", start: Date(timeIntervalSince1970: 1_795_000_000))
        let bytes = MessageFile.encode(m) + Array("Event: 2026-11-2".utf8)
        #expect(try MessageFile.decode(bytes, path: "x") == m)
    }

    @Test func namesTheMissingField() {
        #expect(throws: SpoolError.self) { try MessageFile.decode(Array("Id: 0000000000000001\n".utf8), path: "x") }
        do {
            _ = try MessageFile.decode(Array("Id: 0000000000000001\n".utf8), path: "x")
        } catch let error as SpoolError {
            #expect(error.code == .corruptFile)
            #expect(error.message.contains("Key"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// The bytes, literally: the format is what operators `cat` and `grep`, and what
    /// other tools read, so it is pinned here rather than only round-tripped.
    @Test func encodesTheDocumentedLinesExactly() {
        let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
        let m = SpoolMessage(
            id: MessageID(rawValue: 0x032A_9C4E_1F30_000A), key: MessageKey(source: "prac/soft", recordID: "A-1%", rule: "24h"),
            kind: .recall, recipient: "+61412345678", text: "Hi Ann\nback\\slash\r ✓", due: start.addingTimeInterval(-86_399),
            expires: start, appointmentStart: nil, source: SourcePosition(file: "a\nb.csv", line: 1_234_567), created: start,
            encoding: .ucs2, segments: 12,
            events: [SpoolEvent(time: start, what: "queued"), SpoolEvent(time: start.addingTimeInterval(59), what: "deferred", detail: "retry=x\ny")])
        let expected = """
            Id: 032A9C4E1F30000A
            Key: prac%2Fsoft/A-1%25/24h
            Kind: recall
            Recipient: +61412345678
            Due: 2026-11-17T11:06:41Z
            Expires: 2026-11-18T11:06:40Z
            Source: a\\nb.csv:1234567
            Created: 2026-11-18T11:06:40Z
            Encoding: ucs2
            Segments: 12
            Text: Hi Ann\\nback\\\\slash\\r ✓
            Event: 2026-11-18T11:06:40Z queued
            Event: 2026-11-18T11:07:39Z deferred retry=x\\ny

            """
        #expect(String(decoding: MessageFile.encode(m), as: UTF8.self) == expected)
        #expect(MessageFile.eventLine(m.events[1]) == "Event: 2026-11-18T11:07:39Z deferred retry=x\\ny\n")
    }

    @Test(arguments: [0.0, 1_795_000_000, 951_782_400 /* 2000-02-29 */, 4_102_444_799])
    func timestampsRoundTrip(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let text = Timestamp.format(date)
        #expect(Timestamp.parse(text) == date)
        let iso = ISO8601DateFormatter().string(from: date)
        #expect(text == iso)
    }
}

@Suite struct SpoolTests {
    @Test func treeIsPrivate() throws {
        let t = try TemporarySpool()
        for dir in t.spool.paths.allDirectories {
            let attrs = try FileManager.default.attributesOfItem(atPath: dir)
            #expect((attrs[.posixPermissions] as? Int) == 0o700, "\(dir)")
        }
    }

    @Test func claimCommitArchive() throws {
        let t = try TemporarySpool()
        try t.dropInput("export.csv", "id\nA-1\n")
        let claimed = try #require(try t.spool.claim(inboxName: "export.csv"))
        #expect(claimed.originalName == "export.csv")
        #expect(!FileManager.default.fileExists(atPath: t.spool.paths.inbox + "/export.csv"))
        let start = Date().addingTimeInterval(3 * 86400)
        let plan = t.spool.plan(candidates: [t.message("A-1", start: start), t.message("A-2", start: start)])
        #expect(plan.add.count == 2)
        let queued = try t.spool.commit(plan, input: claimed)
        #expect(queued.count == 2)
        // One batch file for the export, holding both messages.
        #expect(t.names(.queued) == ["\(queued[0].id).batch"])
        #expect(t.messages(.queued) == queued.map(\.id).sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.spool.paths.archive).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.spool.paths.incoming).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.spool.paths.tmp).isEmpty)
        let file = t.spool.paths.directory(for: .queued) + "/\(queued[0].id).batch"
        let attrs = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }

    @Test func reExportIsIdempotentAndMovesReplace() throws {
        let t = try TemporarySpool()
        let start = Date().addingTimeInterval(3 * 86400)
        try t.spool.commit(t.spool.plan(candidates: [t.message("A-1", start: start), t.message("A-2", start: start)]), input: nil)

        let again = t.spool.plan(candidates: [t.message("A-1", start: start), t.message("A-2", start: start)])
        #expect(again.add.isEmpty && again.cancel.isEmpty && again.unchanged == 2)

        let moved = start.addingTimeInterval(3600)
        let old = try #require(t.spool.entry(forKey: MessageKey(source: "test", recordID: "A-2", rule: "24h")))
        let plan = t.spool.plan(
            candidates: [t.message("A-1", start: start), t.message("A-2", start: moved)],
            withdraw: [])
        #expect(plan.add.count == 1 && plan.cancel.count == 1 && plan.cancel[0].id == old.id && plan.cancel[0].reason == "rescheduled")
        try t.spool.commit(plan, input: nil)
        #expect(t.messages(.queued).count == 2)
        #expect(t.names(.cancelled) == ["\(old.id)"])
        let cancelled = try t.spool.message(old.id)
        #expect(cancelled.events.last?.what == "cancelled" && cancelled.events.last?.detail == "rescheduled")

        let withdraw = t.spool.plan(candidates: [], withdraw: [(MessageKey(source: "test", recordID: "A-1", rule: "24h"), "cancelled")])
        #expect(withdraw.cancel.count == 1)
    }

    @Test func sentIsNeverQueuedAgainForTheSameTime() throws {
        let t = try TemporarySpool()
        let start = Date().addingTimeInterval(3 * 86400)
        let queued = try t.spool.commit(t.spool.plan(candidates: [t.message("A-1", start: start)]), input: nil)
        try t.spool.transition(queued[0].id, to: .active)
        try t.spool.transition(queued[0].id, to: .sent, detail: "provider=outbox")
        let again = t.spool.plan(candidates: [t.message("A-1", start: start)])
        #expect(again.add.isEmpty && again.alreadyHandled == 1)
    }

    /// An appointment an export withdrew and a later row lists again at the same time is
    /// queued again (the rows applied in order); one an operator cancelled stays cancelled.
    @Test func aWithdrawnAppointmentListedAgainIsQueuedAgainButAnOperatorsCancelStays() throws {
        let t = try TemporarySpool()
        let start = Date().addingTimeInterval(3 * 86400)
        let queued = try t.spool.commit(t.spool.plan(candidates: [t.message("A-1", start: start), t.message("A-2", start: start)]), input: nil)
        let key1 = MessageKey(source: "test", recordID: "A-1", rule: "24h")
        try t.spool.commit(t.spool.plan(candidates: [], withdraw: [(key1, "cancelled")]), input: nil)
        try t.spool.transition(queued[1].id, to: .cancelled, detail: "uid=0 reason=operator: asked by phone")
        let again = t.spool.plan(candidates: [t.message("A-1", start: start), t.message("A-2", start: start)])
        #expect(again.add.map(\.key.recordID) == ["A-1"])
        #expect(again.alreadyHandled == 1)
    }

    @Test func recoveryAccountsForEveryFile() throws {
        let t = try TemporarySpool()
        let start = Date().addingTimeInterval(3 * 86400)
        let queued = try t.spool.commit(t.spool.plan(candidates: (1...5).map { t.message("A-\($0)", start: start) }), input: nil)
        try t.spool.transition(queued[0].id, to: .active)
        try t.spool.transition(queued[1].id, to: .active)
        try t.spool.transition(queued[1].id, to: .sent)
        // A crash left a temporary file and a claimed input behind.
        try "partial".write(toFile: t.spool.paths.tmp + "/0000000000000009", atomically: false, encoding: .utf8)
        try t.dropInput("late.csv", "x")
        _ = try t.spool.claim(inboxName: "late.csv")
        try "garbage".write(toFile: t.spool.paths.directory(for: .queued) + "/00000000000000FF", atomically: false, encoding: .utf8)

        let fresh = Spool(paths: t.spool.paths)
        let report = try fresh.recover()
        #expect(report.removedTemporary == 1)
        #expect(report.interrupted == [queued[0].id])
        #expect(report.pendingCount == 3)
        #expect(report.countsByState[.sent] == 1)
        #expect(report.countsByState[.uncertain] == 1)
        #expect(report.unfinishedInputs.map(\.originalName) == ["late.csv"])
        #expect(report.corrupt.count == 1)
        #expect(t.names(.active).isEmpty)
        // The garbage was moved aside, not deleted.
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.spool.paths.rejected).contains { $0.hasPrefix("corrupt-") })
        // The index survived: a re-export of the same rows adds nothing.
        #expect(fresh.plan(candidates: (1...5).map { t.message("A-\($0)", start: start) }).add.isEmpty)
    }

    @Test func rejectKeepsBytesAndReason() throws {
        let t = try TemporarySpool()
        try t.dropInput("bad.csv", "\u{00}\u{01}binary")
        let claimed = try #require(try t.spool.claim(inboxName: "bad.csv"))
        try t.spool.reject(claimed, reason: "bad.csv: line 1: not a CSV header")
        let files = try FileManager.default.contentsOfDirectory(atPath: t.spool.paths.rejected).sorted()
        #expect(files.count == 2)
        let data = try String(contentsOfFile: t.spool.paths.rejected + "/" + files[0], encoding: .utf8)
        #expect(data == "\u{00}\u{01}binary")
        #expect(files[1].hasSuffix(".reason"))
    }

    @Test func lastReleaseSurvives() throws {
        let t = try TemporarySpool()
        #expect(t.spool.lastRelease() == nil)
        let when = Date(timeIntervalSince1970: 1_795_000_123)
        try t.spool.recordRelease(when)
        #expect(Spool(paths: t.spool.paths).lastRelease() == when)
    }
}

/// `spool.example/` is documentation; these tests keep it true.
@Suite struct SpoolExampleTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../spool.example").standardizedFileURL.path

    @Test func everyExampleFileIsAValidMessageInItsState() throws {
        let inventory = SpoolInventory.messages(in: SpoolPaths(root: Self.example))
        for state in MessageState.allCases {
            #expect(inventory[state]?.count == 1, "spool.example/\(state.rawValue) shows one message")
            let dir = Self.example + "/" + state.rawValue
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) where !name.hasPrefix(".") && !name.contains(".") {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
                let message = try MessageFile.decode(bytes, path: dir + "/" + name)
                #expect("\(message.id)" == name)
                #expect(MessageFile.encode(message) == bytes, "the example file is in canonical form")
            }
        }
    }

    /// The example batch is what `commit` writes for the archived export, and its `.left`
    /// log names exactly the members that have their own files now.
    @Test func theExampleBatchIsCanonicalAndItsLogMatchesTheOwnFiles() throws {
        let base = Self.example + "/queued/032A9C4E1F200001"
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: base + BatchFile.suffix)))
        let members = try BatchFile.members(of: bytes, path: base)
        let messages = try members.map { try MessageFile.decode(Array(bytes[Int($0.offset)..<Int($0.offset + $0.length)]), path: base) }
        #expect(messages.map(\.key.recordID) == ["A-1001", "A-1002", "A-1004", "A-1005"])
        let encoded = BatchFile.encode(id: members[0].id, input: "appointments-2026-11-23.csv", messages: messages)
        #expect(encoded.bytes == bytes, "the example batch is in canonical form")
        #expect(encoded.members == members)
        let left = try BatchFile.readLeft(base + BatchFile.leftSuffix)
        var own = Set<MessageID>()
        for state in MessageState.allCases {
            for name in try FileManager.default.contentsOfDirectory(atPath: Self.example + "/" + state.rawValue) {
                if let id = MessageID(name) { own.insert(id) }
            }
        }
        #expect(left == Set(members.map(\.id)).intersection(own))
        #expect(left.count == 3)
    }

    @Test func recoveryOfTheExampleAccountsForEveryFile() throws {
        let copy = NSTemporaryDirectory() + "remindd-example-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.example, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let spool = Spool(paths: SpoolPaths(root: copy))
        try spool.prepare()
        let report = try spool.recover()
        #expect(report.corrupt.isEmpty)
        #expect(report.interrupted.count == 1)  // active/ → uncertain/
        #expect(report.pendingCount == 2)      // queued (in the batch) + deferred
        #expect(report.countsByState[.uncertain] == 2)
        #expect(report.unfinishedInputs.map(\.originalName) == ["appointments-2026-11-24b.csv"])
        #expect(spool.batch(of: MessageID("032A9C4E1F200001")!) == MessageID("032A9C4E1F200001"))
        #expect(try spool.message(MessageID("032A9C4E1F200001")!).recipient == "+61412345678")
        // Eli's retry time, recorded in his `deferred` event, is his due time again.
        #expect(spool.entry(MessageID("032A9C4E1F200004")!)?.due == Timestamp.parse("2026-11-23T23:01:01Z"))
    }
}
