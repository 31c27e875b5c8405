import Foundation
import RemindCore
import RemindDelivery
import Testing

@Suite struct OutboxProviderTests {
    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "remindd-outbox-\(UUID().uuidString)"
    }

    @Test func writesSmstoolsFormatAtomically() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let provider = OutboxProvider(directory: dir)
        try provider.prepare()
        let id = MessageID(rawValue: 0xABC)
        let result = try await provider.send(OutgoingMessage(id: id, recipient: "+61412345678", text: "Hi Ann, see you Tue.", encoding: .gsm7))
        #expect(result.reference == "remindd-0000000000000ABC")
        let text = try String(contentsOfFile: dir + "/remindd-0000000000000ABC", encoding: .utf8)
        #expect(text == "To: 61412345678\n\nHi Ann, see you Tue.")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/.tmp").isEmpty)
    }

    @Test func marksNonASCIIText() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let provider = OutboxProvider(directory: dir)
        try provider.prepare()
        _ = try await provider.send(OutgoingMessage(id: MessageID(rawValue: 1), recipient: "+4915112345678", text: "Grüße, Zoë", encoding: .ucs2))
        let text = try String(contentsOfFile: dir + "/remindd-0000000000000001", encoding: .utf8)
        #expect(text == "To: 4915112345678\nAlphabet: UTF-8\n\nGrüße, Zoë")
    }

    @Test func secondHandOverIsANoOp() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let provider = OutboxProvider(directory: dir)
        try provider.prepare()
        let m = OutgoingMessage(id: MessageID(rawValue: 7), recipient: "+61412345678", text: "one", encoding: .gsm7)
        _ = try await provider.send(m)
        var changed = m
        changed.text = "two"
        _ = try await provider.send(changed)
        #expect(try String(contentsOfFile: dir + "/remindd-0000000000000007", encoding: .utf8).hasSuffix("one"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [".tmp", "remindd-0000000000000007"])
    }

    @Test func missingDirectoryIsATemporaryFailure() async {
        let provider = OutboxProvider(directory: "/nonexistent/remindd-outbox")
        do {
            _ = try await provider.send(OutgoingMessage(id: MessageID(rawValue: 1), recipient: "+61412345678", text: "x", encoding: .gsm7))
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .temporary)
        }
    }
}
