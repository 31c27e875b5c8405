import Foundation
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// Memory bounded per input (#15 item 8): the largest file `[inbox] max_size` allows
    /// (64 MB), in each format's worst shape, goes through one daemon (a debug build) without
    /// the kernel killing it, under a quarter of the shipped unit's `MemoryMax=1G` (so a
    /// regression shows long before a site would meet it). Read whole, a 50 MB CSV line took
    /// 1.18 GB, a 64 MB recall list 1.4 GB and HL7 several times its size. The figures of
    /// the release build are in Benchmarks/Daemon/README.md (input-memory.sh).
    @Suite struct InputMemoryTests {
        static let size = 63 << 20

        @Test func theLargestFileOfEveryFormatStaysUnderAQuarterOfTheUnitsMemoryMax() async throws {
            try await Sandbox.withSandbox { sandbox in
                let shipped = try String(contentsOfFile: Sandbox.repositoryRoot + "/systemd/remindd.service", encoding: .utf8)
                #expect(shipped.contains("\nMemoryMax=1G\n"))
                let h = try await DaemonHarness.make(sandbox, stagger: "0", extraDropIn: "MemoryMax=256M")
                defer { h.cleanUp() }
                try """

                    [inbox]
                    max_size = "64M"
                    [[source]]
                    name = "book"
                    kind = "appointment"
                    pattern = "*.csv"
                    [[source]]
                    name = "book-json"
                    kind = "appointment"
                    format = "jsonl"
                    pattern = "*.jsonl"
                    [[source]]
                    name = "pas"
                    kind = "appointment"
                    format = "hl7"
                    pattern = "*.hl7"
                    ack = true
                    [[source]]
                    name = "recalls"
                    kind = "recall"
                    pattern = "recall*.txt"
                    date_format = "yyyy-MM-dd"
                    """.appendLine(toFile: h.config)
                try await h.start()
                #expect(try await sandbox.show(h.unit, "MemoryMax") == "\(256 << 20)")
                let pid = try await sandbox.show(h.unit, "MainPID")

                let day = DaemonHarness.dateAndTime(DaemonHarness.later).0
                let row = "A-1,Ann,Lee,0412345678,\(day),09:00,Dr Patel,3,Scheduled\n"
                let header = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n"
                let inputs: [(name: String, bytes: Data)] = [
                    ("one-line.csv", Data((header + row + "A-2,").utf8) + Self.filler(0x78) + Data((",Lee,0412345679,\(day),09:00,Dr Patel,3,Scheduled\n").utf8)),
                    ("open-quote.csv", Data((header + row + "A-2,\"Bob").utf8) + Self.lines()),
                    ("one-line.jsonl", Data(#"{"AppointmentID":"J-2","FirstName":""#.utf8) + Self.filler(0x78) + Data("\"}\n".utf8)),
                    ("recall-one-line.txt", Data("PatientID,FirstName,LastName,Mobile,DueDate,Reason\nP-2,".utf8) + Self.filler(0x78) + Data("\n".utf8)),
                    ("cancellations.hl7", Self.hl7()),
                ]
                for (n, input) in inputs.enumerated() {
                    try input.bytes.write(to: URL(fileURLWithPath: h.root + "/." + input.name))
                    try FileManager.default.moveItem(atPath: h.root + "/." + input.name, toPath: h.inbox + "/" + input.name)
                    try await sandbox.waitUntil("\(input.name) read", timeout: .seconds(600), interval: .milliseconds(500)) {
                        h.files(in: "archive").count + h.files(in: "rejected").filter { !$0.hasSuffix(".reason") }.count == n + 1
                    }
                    #expect(try await sandbox.show(h.unit, "ActiveState") == "active", "after \(input.name)")
                    #expect(try await sandbox.show(h.unit, "MainPID") == pid, "remindd was killed (MemoryMax=) by \(input.name)")
                }
                #expect(h.files(in: "archive").count == inputs.count, "every input read, none refused")
                #expect(try await sandbox.show(h.unit, "NRestarts") == "0")
                try await sandbox.run(["systemctl", "stop", h.unit], timeout: .seconds(90))
                #expect(try await sandbox.show(h.unit, "Result") == "success")
            }
        }

        /// `size` bytes of one ASCII character.
        static func filler(_ byte: UInt8) -> Data { Data(repeating: byte, count: size) }

        /// `size` bytes of short lines (inside a quote that is never closed).
        static func lines() -> Data {
            let line = Data((String(repeating: "y", count: 99) + "\n").utf8)
            var data = Data(capacity: size)
            while data.count < size { data.append(line) }
            return data
        }

        /// `size` bytes of SIU^S15 cancellations (no reminder queued, each acknowledged).
        static func hl7() -> Data {
            var data = Data(capacity: size + 512)
            var i = 0
            while data.count < size {
                data.append(Data(("MSH|^~\\&|PAS|CLINIC|REMINDD|CLINIC|20240101120000||SIU^S15|M\(i)|P|2.5\r"
                    + "SCH||A\(i)^PAS|||||||||^^^20300305090000|||||||||||||||Cancelled\r").utf8))
                i += 1
            }
            return data
        }
    }
}

extension String {
    /// Appends the text to a file.
    func appendLine(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
    }
}
