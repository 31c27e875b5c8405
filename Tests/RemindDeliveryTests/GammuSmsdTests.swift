import Foundation
import RemindCore
import RemindDelivery
import RemindTesting
import Testing

/// The gammu outbox against the real gammu-smsd (Debian's `gammu-smsd`), with Gammu's
/// dummy phone (`model = dummy`, `connection = none`: messages "sent" into a directory):
/// the files remindd writes are picked up, decoded to the same text and sent to the
/// number in their name, in both `OutboxFormat`s. gammu-smsd missing fails the test.
@Suite(.serialized, .timeLimit(.minutes(2))) struct GammuSmsdTests {
    static let smsd = "/usr/bin/gammu-smsd"

    @Test(arguments: [OutboxProvider.GammuFormat.unicode, .standard])
    func gammuSmsdSendsWhatTheOutboxWrites(format: OutboxProvider.GammuFormat) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.smsd), "\(Self.smsd) is missing: apt-get install gammu-smsd (make deps)")
        let root = NSTemporaryDirectory() + "remindd-gammu-smsd-\(UUID().uuidString)"
        for d in ["dummy", "outbox", "sent", "error", "inbox"] {
            try FileManager.default.createDirectory(atPath: root + "/" + d, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        try """
            [gammu]
            model = dummy
            connection = none
            device = \(root)/dummy/

            [smsd]
            service = files
            inboxpath = \(root)/inbox/
            outboxpath = \(root)/outbox/
            sentsmspath = \(root)/sent/
            errorsmspath = \(root)/error/
            OutboxFormat = \(format.rawValue)
            logfile = \(root)/smsd.log
            debuglevel = 1
            CommTimeout = 1
            ReceiveFrequency = 1
            LoopSleep = 1
            PIN = 1234

            """.write(toFile: root + "/smsdrc", atomically: true, encoding: .utf8)

        let outbox = OutboxProvider(directory: root + "/outbox", naming: .gammu(format))
        try outbox.prepare()
        let messages = [
            OutgoingMessage(id: MessageID(rawValue: 0xA1), recipient: "+61412345678", text: "Hi Ann, see you Tue 4 Mar at 9:30 AM. €5 fee", encoding: .gsm7),
            OutgoingMessage(id: MessageID(rawValue: 0xA2), recipient: "+61412345679", text: "Zoë, 予約は明日 10:30", encoding: .ucs2),
        ]
        for m in messages {
            try outbox.stage(m)
            _ = try await outbox.send(m)
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.smsd)
        process.arguments = ["-c", root + "/smsdrc"]
        // `OutboxFormat = standard` is read in the locale's character set: UTF-8, as documented.
        process.environment = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.runWithSignalsUnblocked()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        func sent() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: root + "/sent")) ?? []).sorted() }
        while sent().count < messages.count && clock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        process.terminate()
        let stopBy = clock.now + .seconds(5)
        while process.isRunning && clock.now < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "gammu-smsd did not stop on SIGTERM")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        await process.exited()

        let log = (try? String(contentsOfFile: root + "/smsd.log", encoding: .utf8)) ?? ""
        #expect(sent().count == messages.count, "gammu-smsd did not send them: \(log.suffix(2000))")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: root + "/error")) ?? []).isEmpty)
        for m in messages {
            // gammu-smsd's own reading of the file: the number from the name, the text decoded.
            #expect(log.contains("Found 1 sms to \"\(m.recipient)\" with text \"\(m.text)\""), "\(m.id) not read as written: \(log.suffix(1500))")
            #expect(log.contains("Transmitted OUTC") && log.contains("_remindd-\(m.id).txt"))
        }
    }
}
