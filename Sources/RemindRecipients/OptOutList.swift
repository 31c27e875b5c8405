#if canImport(Glibc)
import Glibc
#endif
public import Foundation
import FileSystemKit
import Synchronization

/// The numbers that must never be texted: a durable set of E.164 numbers, each with
/// the date and source of its opt-out.
///
/// The list lives in one file (format: `OptOutLine`). Each addition or removal is one
/// appended line, flushed with `fdatasync` before the call returns, so a confirmed
/// opt-out survives a crash or power loss; a line torn by a crash is dropped at the next
/// load (its call never returned). When removals and repeats make the file much longer
/// than the list, it is compacted: written anew beside the old one, fsync'd, renamed
/// over it, and the directory fsync'd.
///
/// Reads (``contains(_:)``) take a short lock and never wait for the file; additions and
/// removals do blocking I/O and are serialised, so call them off Swift's cooperative
/// pool (a `BlockingIO` thread). Thread-safe within a process. Across processes, every
/// change (and a load that repairs the file) holds an exclusive `flock` on
/// ``lockPath`` (`<path>.lock`, beside the list, as the list itself is replaced by
/// compaction), so the daemon and `remindctl optout` run while the daemon is down never
/// interleave; a writer that finds the file changed by another process since it last
/// read it reads it again before it appends, so no one's line is lost to a compaction.
/// Files it creates as root are given to the owner of their directory (the daemon's
/// user), so an operator's `sudo remindctl optout add` never locks the daemon out.
public final class OptOutList: Sendable {
    /// The list's file.
    public let path: String
    /// The file every writer holds an exclusive `flock` on (`<path>.lock`).
    public var lockPath: String { path + ".lock" }
    private let state = Mutex<[String: OptOutEntry]>([:])
    /// Serialises writers; counts the file's entry lines (to decide on compaction).
    private let writer = Mutex<FileState>(FileState())

    private struct FileState {
        var exists = false
        var lines = 0
        /// The file as this process last read or wrote it: a different one means another
        /// process changed it.
        var identity: FileIdentity?
    }

    /// A list kept in `path`; empty until ``load()``.
    public init(path: String) {
        self.path = path
    }

    // MARK: Reading

    /// Whether `number` (E.164) is on the list.
    public func contains(_ number: String) -> Bool {
        state.withLock { $0[number] != nil }
    }

    /// The entry of `number` (E.164), if it is on the list.
    public func entry(for number: String) -> OptOutEntry? {
        state.withLock { $0[number] }
    }

    /// Every entry, sorted by number.
    public var entries: [OptOutEntry] {
        state.withLock { Array($0.values) }.sorted { $0.number < $1.number }
    }

    public var count: Int { state.withLock { $0.count } }

    // MARK: Loading

    /// Reads the file (a missing file is an empty list), replacing what is in memory.
    /// A torn last line is dropped and the file compacted (under the file lock).
    ///
    /// - Throws: ``OptOutError`` `.unreadable`, `.malformed` (naming the line; nothing
    ///   is loaded), or `.unwritable` when a needed compaction fails.
    public func load() throws(OptOutError) {
        try writer.withLock { (file: inout FileState) throws(OptOutError) in
            let repair = try readLocked(&file)
            if repair {
                try withFileLock { () throws(OptOutError) in
                    // Another process may have repaired or changed it meanwhile.
                    if try readLocked(&file) { try compactLocked(&file) }
                }
            }
        }
    }

    /// The entries of the list in `path`, sorted by number, read without taking the
    /// lock or changing anything (a torn last line is left out): for `remindctl optout
    /// list` while the daemon is down.
    ///
    /// - Throws: ``OptOutError`` `.unreadable` or `.malformed`; a missing file is an empty list.
    public static func read(path: String) throws(OptOutError) -> [OptOutEntry] {
        guard let parsed = try parse(path: path) else { return [] }
        return parsed.entries.values.sorted { $0.number < $1.number }
    }

    /// Reads the file into memory; returns whether it needs a compaction (a torn line,
    /// or many more lines than entries).
    private func readLocked(_ file: inout FileState) throws(OptOutError) -> Bool {
        let identity = FileIdentity(path: path)
        guard let parsed = try Self.parse(path: path) else {
            file = FileState()
            state.withLock { $0 = [:] }
            return false
        }
        file = FileState(exists: true, lines: parsed.lines, identity: identity)
        state.withLock { $0 = parsed.entries }
        return parsed.torn || Self.wantsCompaction(lines: parsed.lines, entries: parsed.entries.count)
    }

    private struct Parsed {
        var entries: [String: OptOutEntry]
        var lines: Int
        var torn: Bool
    }

    /// The file's entries; nil when there is no file.
    private static func parse(path: String) throws(OptOutError) -> Parsed? {
        let bytes: [UInt8]
        do {
            bytes = try FileOperations.readFile(path)
        } catch let error as FileSystemError where error.code == .notFound {
            return nil
        } catch {
            throw OptOutError(code: .unreadable, message: "cannot read the opt-out list", path: path, cause: "\(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw OptOutError(code: .malformed, message: "the opt-out list is not UTF-8", path: path)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let torn = !(lines.last?.isEmpty ?? true)
        lines.removeLast()  // the empty piece after the final newline, or the torn line
        var entries: [String: OptOutEntry] = [:]
        var count = 0
        for (index, line) in lines.enumerated() {
            switch OptOutLine.parse(line) {
            case .comment: continue
            case .entry(.add, let entry): entries[entry.number] = entries[entry.number] ?? entry
            case .entry(.remove, let entry): entries[entry.number] = nil
            case nil:
                throw OptOutError(code: .malformed, message: "not an opt-out entry (add|remove, E.164 number, UTC time, source)",
                                  path: path, line: index + 1)
            }
            count += 1
        }
        return Parsed(entries: entries, lines: count, torn: torn)
    }

    // MARK: Changing

    /// Puts `number` on the list; durable when it returns. Returns false (and writes
    /// nothing) when it is already there: the first date and source are kept.
    ///
    /// - Precondition: `number` is E.164 (normalise with ``PhoneNumberNormalizer/parse(_:)``).
    /// - Throws: ``OptOutError`` `.unwritable`; the list is then unchanged.
    @discardableResult
    public func add(_ number: String, source: String, at date: Date = Date()) throws(OptOutError) -> Bool {
        try add([number], source: source, at: date) == 1
    }

    /// Puts several numbers on the list with one flush; returns how many were new.
    ///
    /// - Precondition: every number is E.164.
    /// - Throws: ``OptOutError`` `.unwritable`; the list is then unchanged.
    @discardableResult
    public func add(_ numbers: [String], source: String, at date: Date = Date()) throws(OptOutError) -> Int {
        for number in numbers { precondition(OptOutLine.isE164(number), "not an E.164 number") }
        let when = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let source = OptOutLine.clean(source: source)
        return try changing { (file: inout FileState) throws(OptOutError) -> Int in
            var fresh: [OptOutEntry] = []
            var seen = Set<String>()
            state.withLock { current in
                for number in numbers where current[number] == nil && seen.insert(number).inserted {
                    fresh.append(OptOutEntry(number: number, date: when, source: source))
                }
            }
            guard !fresh.isEmpty else { return 0 }
            try appendLocked(&file, fresh.map { OptOutLine.format(.add, $0) }.joined())
            state.withLock { current in for entry in fresh { current[entry.number] = entry } }
            compactIfWorthIt(&file)
            return fresh.count
        }
    }

    /// Takes `number` off the list; durable when it returns. Returns false (and writes
    /// nothing) when it was not there.
    ///
    /// - Precondition: `number` is E.164.
    /// - Throws: ``OptOutError`` `.unwritable`; the list is then unchanged.
    @discardableResult
    public func remove(_ number: String, source: String, at date: Date = Date()) throws(OptOutError) -> Bool {
        precondition(OptOutLine.isE164(number), "not an E.164 number")
        let entry = OptOutEntry(number: number, date: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)),
                                source: OptOutLine.clean(source: source))
        return try changing { (file: inout FileState) throws(OptOutError) -> Bool in
            guard contains(number) else { return false }
            try appendLocked(&file, OptOutLine.format(.remove, entry))
            _ = state.withLock { $0.removeValue(forKey: number) }
            compactIfWorthIt(&file)
            return true
        }
    }

    /// Rewrites the file as the current list (atomically; see the type's overview).
    public func compact() throws(OptOutError) {
        try changing { (file: inout FileState) throws(OptOutError) in try compactLocked(&file) }
    }

    /// Runs a change with the writer mutex and the file lock held, after reading the
    /// file again if another process changed it since this one last did.
    private func changing<T: Sendable>(_ body: (inout FileState) throws(OptOutError) -> T) throws(OptOutError) -> T {
        try writer.withLock { (file: inout FileState) throws(OptOutError) -> T in
            try withFileLock { () throws(OptOutError) -> T in
                if FileIdentity(path: path) != file.identity { _ = try readLocked(&file) }
                return try body(&file)
            }
        }
    }

    /// Holds an exclusive `flock` on ``lockPath`` while `body` runs.
    private func withFileLock<T: Sendable>(_ body: () throws(OptOutError) -> T) throws(OptOutError) -> T {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OptOutError(code: .unwritable, message: "cannot open the opt-out list's lock file", path: lockPath,
                              cause: String(cString: strerror(errno)))
        }
        defer { close(fd) }  // closing releases the lock
        Self.giveToDirectoryOwner(lockPath)
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            throw OptOutError(code: .unwritable, message: "cannot lock the opt-out list", path: lockPath,
                              cause: String(cString: strerror(errno)))
        }
        return try body()
    }

    /// As root, gives a file this process created to its directory's owner (the daemon's
    /// user owns the spool), so the daemon can still read and lock it. A no-op otherwise.
    static func giveToDirectoryOwner(_ path: String) {
        guard geteuid() == 0 else { return }
        var dir = stat(), st = stat()
        guard stat(FileOperations.directoryName(of: path), &dir) == 0, stat(path, &st) == 0,
              st.st_uid != dir.st_uid || st.st_gid != dir.st_gid else { return }
        _ = chown(path, dir.st_uid, dir.st_gid)
    }

    // MARK: File

    private func appendLocked(_ file: inout FileState, _ text: String) throws(OptOutError) {
        do {
            if file.exists {
                try FileOperations.append(to: path, contents: Array(text.utf8), synchronize: true)
            } else {
                try FileOperations.createFile(at: path, contents: Array((OptOutLine.header + text).utf8), mode: 0o600, synchronize: true)
                Self.giveToDirectoryOwner(path)
                try FileOperations.synchronizeDirectory(FileOperations.directoryName(of: path))
                file.exists = true
            }
        } catch {
            throw OptOutError(code: .unwritable, message: "cannot write the opt-out list", path: path, cause: "\(error)")
        }
        file.lines += text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        file.identity = FileIdentity(path: path)
    }

    private func compactLocked(_ file: inout FileState) throws(OptOutError) {
        let entries = self.entries
        var text = OptOutLine.header
        for entry in entries { text += OptOutLine.format(.add, entry) }
        do {
            try FileOperations.replaceFile(at: path, contents: Array(text.utf8), mode: 0o600)
            Self.giveToDirectoryOwner(path)
        } catch {
            throw OptOutError(code: .unwritable, message: "cannot rewrite the opt-out list", path: path, cause: "\(error)")
        }
        file = FileState(exists: true, lines: entries.count, identity: FileIdentity(path: path))
    }

    /// Compacts when the file holds more than twice the list's lines (plus some slack).
    /// A failure here loses nothing (the appended line is durable), so it waits for the next time.
    private func compactIfWorthIt(_ file: inout FileState) {
        if Self.wantsCompaction(lines: file.lines, entries: count) { try? compactLocked(&file) }
    }

    static func wantsCompaction(lines: Int, entries: Int) -> Bool { lines > 2 * entries + 64 }
}

/// What tells one version of a file from another without reading it: device, inode,
/// size and modification time (a rename, an append or a rewrite changes one of them).
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var seconds: Int
    var nanoseconds: Int

    /// nil when nothing is at `path`.
    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        seconds = Int(st.st_mtim.tv_sec)
        nanoseconds = Int(st.st_mtim.tv_nsec)
    }
}
