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
/// pool (a `BlockingIO` thread). Thread-safe within a process; across processes the
/// file has one owner: while the daemon runs, `remindctl optout` goes through it (a
/// second writer's lines would be lost to the daemon's next compaction).
public final class OptOutList: Sendable {
    /// The list's file.
    public let path: String
    private let state = Mutex<[String: OptOutEntry]>([:])
    /// Serialises writers; counts the file's entry lines (to decide on compaction).
    private let writer = Mutex<FileState>(FileState())

    private struct FileState {
        var exists = false
        var lines = 0
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
    /// A torn last line is dropped and the file compacted.
    ///
    /// - Throws: ``OptOutError`` `.unreadable`, `.malformed` (naming the line; nothing
    ///   is loaded), or `.unwritable` when a needed compaction fails.
    public func load() throws(OptOutError) {
        try writer.withLock { (file: inout FileState) throws(OptOutError) in
            let bytes: [UInt8]
            do {
                bytes = try FileOperations.readFile(path)
            } catch let error as FileSystemError where error.code == .notFound {
                file = FileState()
                state.withLock { $0 = [:] }
                return
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
            file = FileState(exists: true, lines: count)
            state.withLock { $0 = entries }
            if torn || Self.wantsCompaction(lines: count, entries: entries.count) {
                try compactLocked(&file)
            }
        }
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
        return try writer.withLock { (file: inout FileState) throws(OptOutError) -> Int in
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
        return try writer.withLock { (file: inout FileState) throws(OptOutError) -> Bool in
            guard contains(number) else { return false }
            try appendLocked(&file, OptOutLine.format(.remove, entry))
            _ = state.withLock { $0.removeValue(forKey: number) }
            compactIfWorthIt(&file)
            return true
        }
    }

    /// Rewrites the file as the current list (atomically; see the type's overview).
    public func compact() throws(OptOutError) {
        try writer.withLock { (file: inout FileState) throws(OptOutError) in try compactLocked(&file) }
    }

    // MARK: File

    private func appendLocked(_ file: inout FileState, _ text: String) throws(OptOutError) {
        do {
            if file.exists {
                try FileOperations.append(to: path, contents: Array(text.utf8), synchronize: true)
            } else {
                try FileOperations.createFile(at: path, contents: Array((OptOutLine.header + text).utf8), mode: 0o600, synchronize: true)
                try FileOperations.synchronizeDirectory(FileOperations.directoryName(of: path))
                file.exists = true
            }
        } catch {
            throw OptOutError(code: .unwritable, message: "cannot write the opt-out list", path: path, cause: "\(error)")
        }
        file.lines += text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    private func compactLocked(_ file: inout FileState) throws(OptOutError) {
        let entries = self.entries
        var text = OptOutLine.header
        for entry in entries { text += OptOutLine.format(.add, entry) }
        do {
            try FileOperations.replaceFile(at: path, contents: Array(text.utf8), mode: 0o600)
        } catch {
            throw OptOutError(code: .unwritable, message: "cannot rewrite the opt-out list", path: path, cause: "\(error)")
        }
        file = FileState(exists: true, lines: entries.count)
    }

    /// Compacts when the file holds more than twice the list's lines (plus some slack).
    /// A failure here loses nothing (the appended line is durable), so it waits for the next time.
    private func compactIfWorthIt(_ file: inout FileState) {
        if Self.wantsCompaction(lines: file.lines, entries: count) { try? compactLocked(&file) }
    }

    static func wantsCompaction(lines: Int, entries: Int) -> Bool { lines > 2 * entries + 64 }
}
