import Foundation
import RemindCore
@testable import RemindSpool
import Testing

/// The gateway reference log and the replies directory, on real files.
@Suite struct ReferenceIndexTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "remindd-references-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    var path: String { directory + "/references" }
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func referencesSurviveAReloadAndTheLatestMessagePerNumberWins() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let a = MessageID(rawValue: 0xA), b = MessageID(rawValue: 0xB), c = MessageID(rawValue: 0xC)
        let index = ReferenceIndex(path: path)
        try index.load()
        try index.record(reference: "msg 1%ü", id: a, recipient: "+61412345678", at: t0)
        try index.record(reference: "2", id: b, recipient: "+61412345678", at: t0.addingTimeInterval(60))
        try index.record(reference: "3", id: c, recipient: "+61423456789", at: t0.addingTimeInterval(30))
        let reloaded = ReferenceIndex(path: path)
        try reloaded.load()
        #expect(reloaded.count == 3)
        #expect(reloaded.message(forReference: "msg 1%ü") == a)
        #expect(reloaded.message(forReference: "2") == b)
        #expect(reloaded.message(forReference: "msg 1") == nil)
        #expect(reloaded.latestMessage(to: "+61412345678") == b)
        #expect(reloaded.latestMessage(to: "+61423456789") == c)
        #expect(reloaded.latestMessage(to: "+61400000000") == nil)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("412345678"), "numbers are kept as hashes only")
        #expect(text.hasPrefix("1780000000 000000000000000A "))
        #expect(text.contains(" msg%201%25%C3%BC\n"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    /// SMPP 3.4 lets an SMSC answer submit_sm with ESME_ROK and an empty message_id
    /// (Kannel's drive_smpp does): the message was accepted with no reference, so no
    /// receipt may find it by one, before or after a reload; its number still counts.
    @Test func anEmptyReferenceFindsNoMessage() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let index = ReferenceIndex(path: path)
        try index.load()
        try index.record(reference: "", id: MessageID(rawValue: 1), recipient: "+61412345678", at: t0)
        try index.record(references: ["", "p2"], id: MessageID(rawValue: 2), recipient: "+61423456789", at: t0)
        #expect(index.message(forReference: "") == nil)
        #expect(index.message(forReference: "p2") == MessageID(rawValue: 2))
        #expect(index.latestMessage(to: "+61412345678") == MessageID(rawValue: 1))
        let reloaded = ReferenceIndex(path: path)
        try reloaded.load()
        #expect(reloaded.message(forReference: "") == nil)
        #expect(reloaded.message(forReference: "p2") == MessageID(rawValue: 2))
        #expect(reloaded.latestMessage(to: "+61412345678") == MessageID(rawValue: 1))
    }

    @Test func aTornLastLineIsIgnored() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let index = ReferenceIndex(path: path)
        try index.load()
        try index.record(reference: "ok", id: MessageID(rawValue: 1), recipient: "+61412345678", at: t0)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("1780000001 0000000000000002 00000000000000FF torn".utf8))
        try handle.close()
        let reloaded = ReferenceIndex(path: path)
        try reloaded.load()
        #expect(reloaded.count == 1)
        #expect(reloaded.message(forReference: "torn") == nil)
        #expect(reloaded.message(forReference: "ok") == MessageID(rawValue: 1))
    }

    @Test func compactionDropsTheLinesOfMessagesNoLongerKept() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let index = ReferenceIndex(path: path)
        try index.load()
        for n in 1...5 { try index.record(reference: "r\(n)", id: MessageID(rawValue: UInt64(n)), recipient: "+6141234567\(n)", at: t0) }
        #expect(try index.compact { $0.rawValue % 2 == 1 } == 2)
        #expect(index.count == 3)
        #expect(index.message(forReference: "r2") == nil)
        #expect(index.message(forReference: "r3") == MessageID(rawValue: 3))
        let reloaded = ReferenceIndex(path: path)
        try reloaded.load()
        #expect(reloaded.count == 3)
        #expect(reloaded.message(forReference: "r4") == nil)
        #expect(reloaded.message(forReference: "r5") == MessageID(rawValue: 5))
    }

    @Test func repliesAreOneJSONLinePerReplyInADayFile() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let replies = directory + "/replies"
        let sydney = try #require(TimeZone(identifier: "Australia/Sydney"))
        let first = ReplyRecord(received: t0, from: "+61412345678", fromMasked: "+614******78", text: "STOP", optOut: true,
                                inReplyTo: MessageID(rawValue: 0xA), source: "practice", appointmentID: "A-1", kind: "appointment")
        let second = ReplyRecord(received: t0.addingTimeInterval(60), from: "+61412345678", fromMasked: "+614******78", text: "Thanks \"doc\"\nsee you", optOut: false)
        try ReplyLog.append(first, directory: replies, timeZone: sydney)
        try ReplyLog.append(second, directory: replies, timeZone: sydney)
        let name = ReplyLog.fileName(for: t0, timeZone: sydney)
        #expect(try FileManager.default.contentsOfDirectory(atPath: replies) == [name])
        let lines = try String(contentsOfFile: replies + "/" + name, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("\"in_reply_to\":\"000000000000000A\""))
        #expect(lines[0].contains("\"appointment_id\":\"A-1\""))
        #expect(lines[0].contains("\"opt_out\":true"))
        #expect(try ReplyLog.read(directory: replies) == [first, second])
        let fileMode = try #require(try FileManager.default.attributesOfItem(atPath: replies + "/" + name)[.posixPermissions] as? Int)
        let directoryMode = try #require(try FileManager.default.attributesOfItem(atPath: replies)[.posixPermissions] as? Int)
        #expect(fileMode == 0o600)
        #expect(directoryMode == 0o700)
    }
}
