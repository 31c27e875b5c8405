import SystemPackage
import Testing

@testable import FileSystemKit

#if canImport(Glibc)
import Glibc
#endif

/// Real inotify on real files in a fresh temporary directory. Serialized, so the
/// descriptor checks are not confused by another watcher opened at the same moment.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DirectoryWatcherTests {
    // MARK: Real files

    @Test func fileClosedAfterWritingIsReportedOnceOnClose() async throws {
        let dir = try TemporaryDirectory()
        let watcher = try DirectoryWatcher(directory: dir.path)
        defer { watcher.close() }
        var iterator = watcher.makeAsyncIterator()

        // Written in three writes, still open while a marker file comes and goes.
        let fd = open(dir.path.string + "/slow.csv", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        try #require(fd >= 0)
        for chunk in ["id,phone\n", "1,0412", "345678\n"] {
            #expect(write(fd, chunk, chunk.utf8.count) == chunk.utf8.count)
        }
        try dir.write("marker1.csv", "x")
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "marker1.csv", kind: .written))
        #expect(close(fd) == 0)
        try dir.write("marker2.csv", "x")
        // The kernel reports the close when the last reference to the open file goes. A
        // process another test is spawning at that moment holds one until its exec (the
        // descriptor is close-on-exec), so the two may arrive in either order.
        let afterClose = [try await iterator.next(), try await iterator.next()]
        #expect(Set(afterClose.compactMap { $0 }) == [
            DirectoryWatcher.Event(name: "slow.csv", kind: .written),
            DirectoryWatcher.Event(name: "marker2.csv", kind: .written),
        ])
        // … and once: the next event is the next file's.
        try dir.write("marker3.csv", "x")
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "marker3.csv", kind: .written))
    }

    @Test func renameIntoTheDirectoryIsReportedAsMovedIn() async throws {
        let outside = try TemporaryDirectory()
        let dir = try TemporaryDirectory()
        let watcher = try DirectoryWatcher(directory: dir.path)
        defer { watcher.close() }
        var iterator = watcher.makeAsyncIterator()

        try outside.write("export.csv", "id\n1\n")
        #expect(rename(outside.path.string + "/export.csv", dir.path.string + "/export.csv") == 0)
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "export.csv", kind: .movedIn))

        // The usual writer's dance: write under a temporary name, then rename.
        try dir.write("appts.csv.tmp", "id\n2\n")
        #expect(rename(dir.path.string + "/appts.csv.tmp", dir.path.string + "/appts.csv") == 0)
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "appts.csv", kind: .movedIn))
    }

    @Test func partialFileNamesAreFilteredByTheWatcher() async throws {
        let dir = try TemporaryDirectory()
        let watcher = try DirectoryWatcher(directory: dir.path)
        defer { watcher.close() }
        var iterator = watcher.makeAsyncIterator()

        for name in [".hidden.csv", "upload.tmp", "UPLOAD.TMP", "big.csv.part", "a.Part"] {
            try dir.write(name, "x")
        }
        try dir.write("real.csv", "x")
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "real.csv", kind: .written))

        let unfiltered = try DirectoryWatcher(directory: dir.path, filter: .none)
        defer { unfiltered.close() }
        var all = unfiltered.makeAsyncIterator()
        try dir.write("upload.tmp", "y")
        #expect(try await all.next() == DirectoryWatcher.Event(name: "upload.tmp", kind: .written))
    }

    @Test func subdirectoriesPresentAndNewAreWatched() async throws {
        let dir = try TemporaryDirectory()
        try dir.makeDirectory("recalls")
        try dir.makeDirectory("site/patients")
        try dir.makeDirectory(".staging")
        let watcher = try DirectoryWatcher(directory: dir.path, includeSubdirectories: true)
        defer { watcher.close() }
        var iterator = watcher.makeAsyncIterator()

        try dir.write("recalls/r.csv", "x")
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "r.csv", subdirectory: "recalls", kind: .written))
        try dir.write("site/patients/p.csv", "x")
        #expect(
            try await iterator.next() == DirectoryWatcher.Event(name: "p.csv", subdirectory: "site/patients", kind: .written))
        try dir.write(".staging/s.csv", "x")  // in an ignored subdirectory: not watched
        try dir.makeDirectory("broadcasts")
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "broadcasts", kind: .subdirectoryAdded))
        try dir.write("broadcasts/b.csv", "x")
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "b.csv", subdirectory: "broadcasts", kind: .written))

        // A subdirectory renamed within the tree is watched under its new name only.
        #expect(rename(dir.path.string + "/broadcasts", dir.path.string + "/mass") == 0)
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "mass", kind: .subdirectoryAdded))
        try dir.write("mass/m.csv", "x")
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "m.csv", subdirectory: "mass", kind: .written))
    }

    @Test func withoutSubdirectoriesOnlyTheTopLevelIsReported() async throws {
        let dir = try TemporaryDirectory()
        try dir.makeDirectory("recalls")
        let watcher = try DirectoryWatcher(directory: dir.path)
        defer { watcher.close() }
        var iterator = watcher.makeAsyncIterator()
        try dir.write("recalls/r.csv", "x")
        try dir.makeDirectory("new")
        try dir.write("top.csv", "x")
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "top.csv", kind: .written))
    }

    @Test func removingTheWatchedDirectoryEndsTheSequence() async throws {
        let dir = try TemporaryDirectory()
        let watcher = try DirectoryWatcher(directory: dir.path)
        defer { watcher.close() }
        var iterator = watcher.makeAsyncIterator()
        try dir.write("a.csv", "x")
        #expect(unlink(dir.path.string + "/a.csv") == 0)
        #expect(rmdir(dir.path.string) == 0)
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "a.csv", kind: .written))
        #expect(try await iterator.next() == DirectoryWatcher.Event(name: "", kind: .directoryRemoved))
        #expect(try await iterator.next() == nil)
        watcher.core.waitForThreadExit()
        #expect(!isInotify(watcher.core.inotifyDescriptor))
    }

    @Test func aConsumerThatFallsBehindIsToldOfTheOverflow() async throws {
        let limit = try #require(Int(try String(contentsOfProcFile: "/proc/sys/fs/inotify/max_queued_events")))
        let dir = try TemporaryDirectory()
        let watcher = try DirectoryWatcher(directory: dir.path, bufferCapacity: 16)
        defer { watcher.close() }
        // Nobody reads while more events arrive than the buffer and the kernel's queue hold.
        for i in 0..<(limit + 4096) {
            let fd = open(dir.path.string + "/f\(i).csv", O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            try #require(fd >= 0)
            close(fd)
        }
        var written = 0
        var overflows = 0
        for try await event in watcher {
            switch event.kind {
            case .written: written += 1
            case .overflow: overflows += 1
            default: Issue.record("unexpected \(event)")
            }
            if event.kind == .overflow { break }
        }
        #expect(overflows == 1)
        // The buffer, one read's worth held by the thread, and the kernel's queue.
        #expect(written >= 16 && written <= limit + 4096)
    }

    // MARK: Ending

    @Test func cancellingTheConsumerEndsTheSequenceAndStopsTheThread() async throws {
        let dir = try TemporaryDirectory()
        let watcher = try DirectoryWatcher(directory: dir.path)
        let descriptor = watcher.core.inotifyDescriptor
        #expect(isInotify(descriptor))
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let seen = try await withThrowingTaskGroup(of: [DirectoryWatcher.Event].self) { group in
            group.addTask {
                var seen: [DirectoryWatcher.Event] = []
                var iterator = watcher.makeAsyncIterator()
                while let event = try await iterator.next() {
                    seen.append(event)
                    startedContinuation.yield()
                }
                return seen
            }
            try dir.write("first.csv", "x")
            var startedIterator = started.makeAsyncIterator()
            await startedIterator.next()
            group.cancelAll()
            return try await group.next() ?? []
        }
        #expect(seen == [DirectoryWatcher.Event(name: "first.csv", kind: .written)])
        watcher.core.waitForThreadExit()
        #expect(!watcher.core.isThreadRunning)
        #expect(!isInotify(descriptor))
        // Once ended it stays ended, even with new files.
        try dir.write("second.csv", "x")
        var iterator = watcher.makeAsyncIterator()
        #expect(try await iterator.next() == nil)
    }

    @Test func closeEndsAWaitingConsumer() async throws {
        let dir = try TemporaryDirectory()
        let watcher = try DirectoryWatcher(directory: dir.path)
        let descriptor = watcher.core.inotifyDescriptor
        try await withThrowingTaskGroup(of: DirectoryWatcher.Event?.self) { group in
            group.addTask {
                var iterator = watcher.makeAsyncIterator()
                return try await iterator.next()
            }
            watcher.close()
            #expect(!watcher.core.isThreadRunning)
            #expect(!isInotify(descriptor))
            let result = try await group.next()
            #expect(result == .some(nil))
        }
        watcher.close()  // a second close is harmless
    }

    @Test func droppingTheWatcherStopsItsThread() async throws {
        let dir = try TemporaryDirectory()
        var watcher: DirectoryWatcher? = try DirectoryWatcher(directory: dir.path)
        let core = try #require(watcher?.core)
        #expect(core.isThreadRunning)
        watcher = nil
        #expect(!core.isThreadRunning)
        #expect(!isInotify(core.inotifyDescriptor))
    }

    // MARK: Setup failures

    @Test func aMissingDirectoryIsRefused() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: DirectoryWatcherError.self) {
            _ = try DirectoryWatcher(directory: FilePath(dir.path.string + "/nope"))
        }
        #expect(error?.code == .notADirectory)
        #expect(error?.errno == .noSuchFileOrDirectory)
    }

    @Test func aSymbolicLinkIsRefused() throws {
        let dir = try TemporaryDirectory()
        try dir.makeDirectory("real")
        #expect(symlink(dir.path.string + "/real", dir.path.string + "/link") == 0)
        let error = #expect(throws: DirectoryWatcherError.self) {
            _ = try DirectoryWatcher(directory: FilePath(dir.path.string + "/link"))
        }
        #expect(error?.code == .notADirectory)
    }

    @Test func aPlainFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        try dir.write("file", "x")
        let error = #expect(throws: DirectoryWatcherError.self) {
            _ = try DirectoryWatcher(directory: FilePath(dir.path.string + "/file"))
        }
        #expect(error?.code == .notADirectory)
    }

    // MARK: Raw event decoding (no kernel)

    /// A buffer laid out by hand as the kernel does: a close-write for "a.csv" on watch 1
    /// (name padded to 16 bytes), then a queue overflow (watch -1, no name).
    @Test func decodesAHandWrittenBufferWithAnOverflow() {
        var bytes: [UInt8] = []
        bytes += [1, 0, 0, 0] + [0x08, 0, 0, 0] + [0, 0, 0, 0] + [16, 0, 0, 0]
        bytes += Array("a.csv".utf8) + Array(repeating: 0, count: 11)
        bytes += [0xFF, 0xFF, 0xFF, 0xFF] + [0x00, 0x40, 0, 0] + [0, 0, 0, 0] + [0, 0, 0, 0]
        let events = bytes.withUnsafeBytes { InotifyEvent.decode($0) }
        #expect(events == [
            InotifyEvent(watch: 1, mask: .closeWrite, cookie: 0, name: Array("a.csv".utf8)),
            InotifyEvent(watch: -1, mask: .queueOverflow, cookie: 0, name: []),
        ])
        var translator = DirectoryWatcher.Translator(includeSubdirectories: false, filter: .partialFiles)
        translator.added(watch: 1, path: "")
        #expect(events.flatMap { translator.handle($0) } == [
            .emit(DirectoryWatcher.Event(name: "a.csv", kind: .written)),
            .emit(DirectoryWatcher.Event(name: "", kind: .overflow)),
        ])
    }

    @Test func aTruncatedTrailingEventIsIgnored() {
        let whole = InotifyEvent.encode([
            InotifyEvent(watch: 3, mask: .movedTo, cookie: 7, name: Array("x.csv".utf8)),
            InotifyEvent(watch: 3, mask: .closeWrite, cookie: 0, name: Array("y.csv".utf8)),
        ])
        for cut in [whole.count - 1, whole.count - 8, 16 + 8 + 5] {
            let events = Array(whole[0..<cut]).withUnsafeBytes { InotifyEvent.decode($0) }
            #expect(events == [InotifyEvent(watch: 3, mask: .movedTo, cookie: 7, name: Array("x.csv".utf8))])
        }
        #expect([UInt8](repeating: 0xAB, count: 15).withUnsafeBytes { InotifyEvent.decode($0) } == [])
    }

    @Test func translatorTracksSubdirectoriesAndTheRootsRemoval() {
        var translator = DirectoryWatcher.Translator(includeSubdirectories: true, filter: .partialFiles)
        translator.added(watch: 1, path: "")
        translator.added(watch: 2, path: "a")
        translator.added(watch: 3, path: "a/b")
        let dirMoved: InotifyEvent.Mask = [.movedFrom, .isDirectory]
        #expect(translator.handle(InotifyEvent(watch: 1, mask: dirMoved, cookie: 9, name: Array("a".utf8))) == [
            .unwatch([2, 3])
        ])
        #expect(translator.handle(InotifyEvent(watch: 3, mask: .closeWrite, cookie: 0, name: Array("late.csv".utf8))) == [])
        #expect(translator.handle(InotifyEvent(watch: 1, mask: [.create, .isDirectory], cookie: 0, name: Array("c".utf8))) == [
            .watch("c"), .emit(DirectoryWatcher.Event(name: "c", kind: .subdirectoryAdded)),
        ])
        #expect(translator.handle(InotifyEvent(watch: 1, mask: [.create, .isDirectory], cookie: 0, name: Array(".c".utf8))) == [])
        #expect(translator.handle(InotifyEvent(watch: 1, mask: .deleteSelf, cookie: 0, name: [])) == [
            .emit(DirectoryWatcher.Event(name: "", kind: .directoryRemoved)), .finish,
        ])
        #expect(translator.handle(InotifyEvent(watch: 1, mask: .ignored, cookie: 0, name: [])) == [])
    }

    @Test func nameFilterComparesSuffixesWithoutCase() {
        let filter = DirectoryWatcher.NameFilter.partialFiles
        #expect(filter.ignores(".x.csv"))
        #expect(filter.ignores("A.TMP"))
        #expect(filter.ignores("a.csv.Part"))
        #expect(!filter.ignores("a.csv"))
        #expect(!filter.ignores("tmp"))
        #expect(!DirectoryWatcher.NameFilter(ignoresHidden: false, ignoredSuffixes: [""]).ignores("a.csv"))
    }
}

// MARK: Helpers

/// Whether `fd` is currently an open inotify descriptor.
private func isInotify(_ fd: Int32) -> Bool {
    var buffer = [CChar](repeating: 0, count: 256)
    let count = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
    guard count > 0 else { return false }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "anon_inode:inotify"
}

private struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

extension String {
    fileprivate init(contentsOfProcFile path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TestFailure(description: "cannot open \(path)") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &bytes, bytes.count)
        guard count > 0 else { throw TestFailure(description: "cannot read \(path)") }
        self = String(decoding: bytes[0..<count], as: UTF8.self).trimmingSpaces()
    }

    fileprivate func trimmingSpaces() -> String {
        String(self.filter { !$0.isWhitespace })
    }
}

/// A fresh directory under /tmp, removed with everything in it when dropped.
private final class TemporaryDirectory {
    let path: FilePath

    init() throws {
        var template = Array("/tmp/remindd-watch-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure(description: "mkdtemp failed") }
        path = FilePath(String(cString: made))
    }

    deinit {
        Self.remove(path.string)
    }

    private static func remove(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if let stream = opendir(path) {
                var names: [String] = []
                while let entry = readdir(stream) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(stream)
                for name in names { remove(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Writes `text` into `relative` with open, write, close (one IN_CLOSE_WRITE).
    func write(_ relative: String, _ text: String) throws {
        let fd = open(path.string + "/" + relative, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestFailure(description: "cannot create \(relative)") }
        defer { close(fd) }
        guard Glibc.write(fd, text, text.utf8.count) == text.utf8.count else {
            throw TestFailure(description: "cannot write \(relative)")
        }
    }

    /// Creates `relative` and any missing parents.
    func makeDirectory(_ relative: String) throws {
        var current = path.string
        for part in relative.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw TestFailure(description: "cannot create \(relative)")
            }
        }
    }
}
