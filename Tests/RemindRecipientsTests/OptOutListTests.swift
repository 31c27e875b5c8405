import FileSystemKit
import Foundation
import RemindCore
import RemindRecipients
import Testing

@Suite struct OptOutListTests {
    let t0 = Date(timeIntervalSince1970: 1_777_000_000)  // 2026-04-24T03:06:40Z

    func text(_ path: String) throws -> String {
        String(decoding: try FileOperations.readFile(path), as: UTF8.self)
    }

    @Test func survivesAReloadFromDisk() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/opt-out"
        let list = OptOutList(path: path)
        try list.load()  // no file yet: empty
        #expect(list.count == 0)
        #expect(try list.add("+61412345678", source: "sms-reply", at: t0))
        #expect(try !list.add("+61412345678", source: "remindctl", at: t0 + 60))  // already there: first kept
        #expect(try list.add(["+447911123456", "+61423456789", "+447911123456"], source: "optout.csv", at: t0 + 120) == 2)
        #expect(try list.remove("+61423456789", source: "remindctl", at: t0 + 180))
        #expect(try !list.remove("+61499999999", source: "remindctl", at: t0 + 180))

        let again = OptOutList(path: path)
        try again.load()
        #expect(again.entries == [
            OptOutEntry(number: "+447911123456", date: t0 + 120, source: "optout.csv"),
            OptOutEntry(number: "+61412345678", date: t0, source: "sms-reply"),
        ])
        #expect(again.contains("+61412345678"))
        #expect(!again.contains("+61423456789"))
        #expect(try FileOperations.fileStatus(path)?.mode == 0o600)
        #expect(try text(path).hasSuffix("remove\t+61423456789\t2026-04-24T03:09:40Z\tremindctl\n"))
    }

    @Test func aLineTornByACrashIsDroppedAndTheFileRepaired() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/opt-out"
        let list = OptOutList(path: path)
        try list.add("+61412345678", source: "sms-reply", at: t0)
        try FileOperations.append(to: path, contents: Array("add\t+6142345".utf8), synchronize: true)  // the crash

        let again = OptOutList(path: path)
        try again.load()
        #expect(again.entries.map(\.number) == ["+61412345678"])
        #expect(try text(path).hasSuffix("\n"))
        try again.add("+61423456789", source: "sms-reply", at: t0)
        let third = OptOutList(path: path)
        try third.load()
        #expect(third.entries.map(\.number) == ["+61412345678", "+61423456789"])
    }

    @Test func aMalformedLineStopsTheLoadAndNamesItsLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/opt-out"
        try FileOperations.createFile(at: path, contents: Array("# list\nadd\t+61412345678\t2026-04-24T03:06:40Z\tx\nadd\t0412 345 678\t2026-04-24T03:06:40Z\tx\n".utf8), synchronize: false)
        let list = OptOutList(path: path)
        #expect {
            try list.load()
        } throws: { error in
            let e = try #require(error as? OptOutError)
            return e.code == .malformed && e.line == 3 && !e.description.contains("0412")
        }
        #expect(list.count == 0)
    }

    @Test func removalsAreCompactedAway() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/opt-out"
        let list = OptOutList(path: path)
        for i in 0..<100 {
            let number = "+6141234\(String(1000 + i))"
            try list.add(number, source: "test", at: t0)
            try list.remove(number, source: "test", at: t0)
        }
        try list.add("+61412345678", source: "kept", at: t0)
        // 201 entry lines without compaction; with it, far fewer.
        let lines = try text(path).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count < 70, "\(lines.count) lines")
        try list.compact()
        #expect(try text(path).split(separator: "\n").filter { !$0.hasPrefix("#") } == ["add\t+61412345678\t2026-04-24T03:06:40Z\tkept"])
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        let again = OptOutList(path: path)
        try again.load()
        #expect(again.entries.map(\.source) == ["kept"])
    }

    @Test func sourcesCannotBreakTheFormat() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let list = OptOutList(path: dir.path + "/opt-out")
        try list.add("+61412345678", source: "a\tb\nadd\t+61400000000", at: t0)
        let again = OptOutList(path: dir.path + "/opt-out")
        try again.load()
        #expect(again.entries.map(\.number) == ["+61412345678"])
        #expect(again.entries.first?.source == "a b add +61400000000")
    }

    @Test func anUnwritableDirectoryLeavesTheListUnchanged() throws {
        let list = OptOutList(path: "/proc/remindd-no-such-dir/opt-out")
        #expect(throws: OptOutError.self) { try list.add("+61412345678", source: "x", at: t0) }
        #expect(!list.contains("+61412345678"))
    }

    @Test func entriesPrintMasked() {
        let e = OptOutEntry(number: "+61412345678", date: t0, source: "sms-reply")
        #expect("\(e)" == "+614******78 since 2026-04-24T03:06:40Z (sms-reply)")
    }

    @Test func anInboxFileOfNumbersFeedsTheList() {
        let file = "Mobile,Name\n0412 345 678,Ann\n+61 423 456 789\n# a comment\nnot a number\n0412345678\n(02) 9999 0000\n"
        let parsed = OptOutImport.parse(Array(file.utf8), file: "optout.csv", normalizer: PhoneNumberNormalizer(defaultRegion: "AU"))
        #expect(parsed.numbers == ["+61412345678", "+61423456789", "+61299990000"])
        #expect(parsed.rejections.map(\.position.line) == [5])
        #expect(parsed.rejections.first?.reason == "not a phone number")
        #expect(OptOutImport.isOptOutFile(name: "optout-2026-05-01.csv"))
        #expect(OptOutImport.isOptOutFile(name: "Opt-Out.txt"))
        #expect(OptOutImport.isOptOutFile(name: "list.optout"))
        #expect(!OptOutImport.isOptOutFile(name: "appointments.csv"))
    }
}
