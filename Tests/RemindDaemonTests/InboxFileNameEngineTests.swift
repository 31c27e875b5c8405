import FileSystemKit
import Foundation
import InMemoryLogging
import Logging
@testable import RemindDaemon
import RemindCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every inbox file is accounted for, whatever its name (#15 item 10): a name that is not
/// UTF-8 and a name too long for the claim's prefix are both read, and said in the journal.
@Suite struct InboxFileNameEngineTests {
    /// Renames `from` (a UTF-8 name in the inbox) to a name given as bytes.
    static func renameToBytes(_ f: EngineFixture, from: String, to bytes: [UInt8]) throws {
        let target = (Array((f.inbox + "/").utf8) + bytes + [0]).map { CChar(bitPattern: $0) }
        try #require(Glibc.rename(f.inbox + "/" + from, target) == 0)
    }

    @Test func aLatin1NameIsRenamedToItsEscapedFormAndItsRowsQueued() async throws {
        let f = try await EngineFixture()
        let start = Date().addingTimeInterval(3 * 86400)
        try f.drop("staging", rows: [("N1", "0412345678", start, "Scheduled"), ("N2", "0412345679", start, "Scheduled")])
        // `Müller.csv` as a Latin-1 exporter writes it: 0xFC is not UTF-8 on its own.
        let latin1 = Array("M".utf8) + [0xFC] + Array("ller 5%.csv".utf8)
        try Self.renameToBytes(f, from: "staging", to: latin1)

        // The start-up scan lists the inbox by bytes (InboxService), as after a restart.
        await InboxService(engine: f.engine, directory: f.inbox, logger: Logger(label: "test")).scan()

        #expect(f.files("queued").count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.inbox).isEmpty, "nothing left in the inbox")
        let renamed = f.logged(.inputRenamed)
        #expect(renamed.count == 1)
        #expect(renamed.first?.level == .notice)
        #expect(renamed.first?.metadata[LogKey.inboxFile] == .string("M%FCller 5%25.csv"))
        // The readable form gives the original bytes back.
        #expect(EntryName(escaped: "M%FCller 5%25.csv").bytes == latin1)
        let archived = try #require(f.files("archive").first)
        #expect(archived.hasSuffix("-M%25FCller 5%2525.csv"))
        #expect(f.logged(.inputIngested).first?.metadata[LogKey.inboxFile] == .string("M%FCller 5%25.csv"))
    }

    @Test func aNameNearTheFileSystemLimitIsClaimedUnderAShorterNameThatKeepsItsExtension() async throws {
        let f = try await EngineFixture()
        let start = Date().addingTimeInterval(3 * 86400)
        let long = "appointments-" + String(repeating: "x", count: 233) + ".csv"
        #expect(long.utf8.count == 250)
        try f.drop(long, rows: [("L1", "0412345678", start, "Scheduled")])

        await f.engine.ingest(inboxName: long)

        #expect(f.files("queued").count == 1)
        #expect(!FileManager.default.fileExists(atPath: f.inbox + "/" + long))
        let archived = try #require(f.files("archive").first)
        #expect(archived.utf8.count <= 240)
        #expect(archived.hasSuffix(".csv"))
        #expect(archived.contains("-appointments-xxx"))
        let renamed = try #require(f.logged(.inputRenamed).first)
        #expect(renamed.metadata[LogKey.inboxFile] == .string(.init(long)))
        #expect(renamed.metadata[LogKey.claimedName].map { "\($0)" }.map { archived.hasSuffix($0) } == true)
        #expect(f.logged(.spoolError).isEmpty)
    }

    @Test func aLongNameThatIsRejectedKeepsItsWholeNameInTheReason() async throws {
        let f = try await EngineFixture()
        let long = String(repeating: "r", count: 246) + ".txt"  // no source reads *.txt
        try "not an export\n".write(toFile: f.inbox + "/" + long, atomically: false, encoding: .utf8)

        await f.engine.ingest(inboxName: long)

        let rejected = f.files("rejected")
        let reasonName = try #require(rejected.first { $0.hasSuffix(".reason") })
        let reason = try String(contentsOfFile: f.root + "/spool/rejected/" + reasonName, encoding: .utf8)
        #expect(reason.contains("inbox name: " + long))
        #expect(rejected.contains { $0.hasSuffix(".txt") && $0.utf8.count <= 240 })
        #expect(try String(contentsOfFile: f.root + "/spool/rejected/" + reasonName.dropLast(7), encoding: .utf8) == "not an export\n")
    }
}
