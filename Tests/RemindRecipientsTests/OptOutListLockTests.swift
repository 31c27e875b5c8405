import FileSystemKit
import Foundation
import RemindRecipients
import Synchronization
import Testing

/// Two writers of one list (the daemon and `remindctl optout` while the daemon is down):
/// each holds the list's `flock` while it writes, and reads again what the other changed.
/// Two `OptOutList`s in one process stand for the two processes: `flock` locks belong to
/// open file descriptions, so they exclude each other exactly as two processes would.
@Suite struct OptOutListLockTests {
    let t0 = Date(timeIntervalSince1970: 1_777_000_000)

    @Test func aWriterReadsWhatAnotherChangedBeforeItWrites() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/opt-out"
        let daemon = OptOutList(path: path)
        try daemon.load()
        try daemon.add("+61412345678", source: "sms-reply", at: t0)

        let cli = OptOutList(path: path)  // remindctl while the daemon is "down"
        try cli.load()
        try cli.add("+61423456789", source: "remindctl", at: t0 + 60)
        try cli.remove("+61412345678", source: "remindctl", at: t0 + 120)

        // The daemon's next change starts from the file, not from its memory: a compaction
        // from memory would resurrect the removed number and drop the added one.
        try daemon.add("+61434567890", source: "sms-reply", at: t0 + 180)
        try daemon.compact()
        #expect(daemon.entries.map(\.number) == ["+61423456789", "+61434567890"])
        let fresh = OptOutList(path: path)
        try fresh.load()
        #expect(fresh.entries.map(\.number) == ["+61423456789", "+61434567890"])
        #expect(FileManager.default.fileExists(atPath: daemon.lockPath))
    }

    @Test func aChangeWaitsWhileAnotherProcessHoldsTheLock() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/opt-out"
        let list = OptOutList(path: path)
        try list.load()
        // Another process holds the lock (as the daemon does while it writes).
        let fd = open(list.lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        try #require(flock(fd, LOCK_EX) == 0)
        let done = Flag()
        let writer = Thread {
            _ = try? list.add("+61412345678", source: "remindctl", at: Date(timeIntervalSince1970: 1_777_000_000))
            done.set()
        }
        writer.start()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!done.isSet, "the addition went ahead while another process held the lock")
        #expect(!FileManager.default.fileExists(atPath: path))
        flock(fd, LOCK_UN)
        close(fd)
        for _ in 0..<500 where !done.isSet { try await Task.sleep(for: .milliseconds(10)) }
        #expect(done.isSet)
        #expect(try OptOutList.read(path: path).map(\.number) == ["+61412345678"])
    }

    @Test func readingDirectlyNeitherLocksNorRepairs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/opt-out"
        #expect(try OptOutList.read(path: path).isEmpty)  // no file: an empty list
        let list = OptOutList(path: path)
        try list.add(["+61412345678", "+447911123456"], source: "sms-reply", at: t0)
        try FileOperations.append(to: path, contents: Array("add\t+6142".utf8), synchronize: true)  // torn
        let before = try FileOperations.readFile(path)
        let entries = try OptOutList.read(path: path)
        #expect(entries.map(\.number) == ["+447911123456", "+61412345678"])
        #expect(entries.first?.date == t0 && entries.first?.source == "sms-reply")
        #expect(try FileOperations.readFile(path) == before, "read(path:) never writes")
    }
}

/// A flag set on one thread and read on another.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
