import Foundation
import RemindCore
import RemindDelivery
import Testing

/// The outbox with gammu-smsd's files-backend naming, checked against the format
/// gammu-smsd-files(7) documents for transmitted messages:
/// `OUT<priority><date>_<time>_<serial>_<recipient>_<note>.<ext>` — priority a letter A–Z,
/// date YYYYMMDD, time HHMMSS, serial NN, the recipient's number, any note, `txt` for a text
/// SMS — and the text as `OutboxFormat = unicode` (UTF-16 with a byte order mark) or
/// `standard` reads it.
@Suite struct GammuOutboxTests {
    static let pattern = try! NSRegularExpression(pattern: #"^OUT([A-Z])(\d{8})_(\d{6})_(\d{2})_(\+\d+)_(remindd-[0-9A-F]{16})\.txt$"#)
    static let at = Date(timeIntervalSince1970: 1_795_420_805)  // 2026-11-23 08:00:05 UTC

    func scratch() -> String { NSTemporaryDirectory() + "remindd-gammu-\(UUID().uuidString)" }

    @Test func unicodeFilesAreNamedAndEncodedAsGammuSmsdReadsThem() async throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let provider = OutboxProvider(directory: dir, naming: .gammu(.unicode), now: { Self.at })
        try provider.prepare()
        let text = "Zoë, 予約は明日 10:30 😀"
        let message = OutgoingMessage(id: MessageID(rawValue: 0xABC), recipient: "+61412345678", text: text, encoding: .ucs2)
        let result = try await provider.send(message)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }
        #expect(names == [result.reference])
        let name = try #require(names.first)
        let match = try #require(Self.pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)), "\(name)")
        func group(_ i: Int) -> String { String(name[Range(match.range(at: i), in: name)!]) }
        #expect(group(1) == "C" && group(2) == "20261123" && group(3) == "080005" && group(4) == "00")
        #expect(group(5) == "+61412345678" && group(6) == "remindd-0000000000000ABC")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        #expect(Array(bytes.prefix(2)) == [0xFF, 0xFE])
        #expect(String(data: bytes.dropFirst(2), encoding: .utf16LittleEndian) == text)
        #expect(bytes.count == 2 + text.utf16.count * 2)
        // Its own witness, and a second hand-over writes nothing new.
        #expect(provider.handOverWitness(message.id) == true)
        _ = try await OutboxProvider(directory: dir, naming: .gammu(.unicode), now: { Self.at.addingTimeInterval(60) }).send(message)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") } == [name])
        // Staged before active/ (as the engine does), a message's file waits in .tmp/: not
        // handed over. Renamed and taken by gammu-smsd, neither file is left: handed over.
        let next = OutgoingMessage(id: MessageID(rawValue: 0xABD), recipient: "+61412345679", text: text, encoding: .ucs2)
        try provider.stage(next)
        let staged = try FileManager.default.contentsOfDirectory(atPath: dir + "/.tmp")
        #expect(staged.count == 1 && staged.first?.hasSuffix("_remindd-0000000000000ABD.txt") == true)
        #expect(provider.handOverWitness(next.id) == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/.tmp").isEmpty, "the copy removed")
        try provider.stage(next)
        let sent = try await provider.send(next)
        #expect(sent.reference == staged.first, "the staged file is the one handed over")
        try FileManager.default.removeItem(atPath: dir + "/" + sent.reference)  // gammu-smsd took it
        #expect(provider.handOverWitness(next.id) == true)
    }

    @Test func standardFilesHoldUTF8TextAlone() async throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let provider = OutboxProvider(directory: dir, naming: .gammu(.standard), now: { Self.at })
        try provider.prepare()
        let message = OutgoingMessage(id: MessageID(rawValue: 7), recipient: "+61412345678", text: "Hi Ann, see you Tue. €5", encoding: .gsm7)
        let result = try await provider.send(message)
        #expect(result.reference.hasPrefix("OUTC20261123_080005_00_+61412345678_"))
        #expect(try String(contentsOfFile: dir + "/" + result.reference, encoding: .utf8) == "Hi Ann, see you Tue. €5")
    }

    @Test func aTemporaryFileLeftByACrashIsNotHandedOver() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let provider = OutboxProvider(directory: dir, naming: .gammu(.unicode), now: { Self.at })
        try provider.prepare()
        let name = "OUTC20261123_080005_00_+61412345678_remindd-0000000000000009.txt"
        _ = FileManager.default.createFile(atPath: dir + "/.tmp/" + name, contents: Data([0xFF, 0xFE]))
        #expect(provider.handOverWitness(MessageID(rawValue: 9)) == false)
        #expect(!FileManager.default.fileExists(atPath: dir + "/.tmp/" + name))
    }
}
