public import Foundation
public import RemindCore
import FileSystemKit

/// The durable store of messages and claimed inputs (see the module overview).
///
/// Not `Sendable`: an instance belongs to one thread (the daemon's lives inside a
/// ``SpoolStore``, on the spool's I/O thread). All methods that change the disk are
/// durable when they return.
public final class Spool {
    public let paths: SpoolPaths
    let clock: @Sendable () -> Date
    /// Every message's entry and location, by id and by key (the newest message of a key).
    var index = SpoolIndex()
    var claimCounter = 0
    /// Batch members whose own file is durable but whose id could not be appended to the
    /// batch's `.left` log (a full disk): retried before every change, never pruned meanwhile.
    var unloggedLeaves: [MessageID: MessageID] = [:]
    /// Batches every member has left, to delete once their members' own files are durable.
    var emptyBatches: Set<MessageID> = []
    /// Own files of batch members written without a flush (a commit's withdrawals) and not
    /// yet covered by one: no `.left` line may be written for them until a flush succeeds.
    var leavesNeedFlush = false
    /// Whether the space reserve was given back to let messages leave their batches on a
    /// full disk (see Spool+Reserve.swift); cleared when it is made again.
    public internal(set) var reserveReleased = false
    /// Changes to the index since the last checkpoint (what a restart would have to read).
    public internal(set) var changesSinceCheckpoint = 0

    public init(paths: SpoolPaths, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.paths = paths
        self.clock = clock
    }

    /// How many messages each state holds, kept up to date by every change.
    public var stateCounts: [MessageState: Int] { index.counts }

    // MARK: Start-up

    /// Creates every spool directory (mode 0700) that is missing.
    public func prepare() throws {
        try SpoolError.wrap("cannot create the spool directories") {
            for dir in paths.allDirectories { try FileOperations.makeDirectory(dir, mode: 0o700) }
        }
    }

    /// Calls `body` with every message waiting to be scheduled (queued and deferred;
    /// a deferred message's `due` is its retry time).
    public func forEachPending(_ body: (SpoolEntry) -> Void) {
        for n in index.liveSlots {
            let state = index[n].state
            if state == .queued || state == .deferred { body(index.entry(n)) }
        }
    }

    /// Calls `body` with every message in one of `states` (the others are not made into entries).
    public func forEachEntry(in states: Set<MessageState>, _ body: (SpoolEntry) -> Void) {
        for n in index.liveSlots where states.contains(index[n].state) { body(index.entry(n)) }
    }

    // MARK: Checkpoint

    var checkpointPath: String { paths.state + "/index" }

    /// Writes the whole index to `state/index` atomically (temporary file, fsync, rename,
    /// directory fsync), so the next start reads one file instead of every message file
    /// and batch.
    public func checkpoint() throws {
        logPendingLeaves()
        try SpoolError.wrap("cannot write the index checkpoint") {
            try SpoolCheckpoint.write(index, unlogged: unloggedLeaves, to: checkpointPath)
        }
        changesSinceCheckpoint = 0
    }

    // MARK: Retention

    /// Removes final messages (sent, delivered, failed, expired, cancelled) that entered
    /// their state before `cutoff`, and archived and rejected inputs last modified before
    /// it. Messages in `uncertain/` and pending ones are never pruned, nor a message
    /// whose departure from its batch is not yet logged.
    @discardableResult
    public func prune(before cutoff: Date) throws -> PruneReport {
        var report = PruneReport()
        logPendingLeaves()
        try SpoolError.wrap("cannot prune the spool") {
            let limit = cutoff.timeIntervalSince1970
            var old: [Int32] = []
            for n in index.liveSlots {
                let slot = index[n]
                if slot.state.isFinal, slot.since.seconds < limit, slot.batch == SpoolIndex.ownFile, unloggedLeaves[slot.id] == nil {
                    old.append(n)
                }
            }
            for n in old {
                try FileOperations.removeFile(paths.path(of: index[n].id, in: index[n].state))
                index.remove(n)
                report.messages += 1
            }
            changesSinceCheckpoint += report.messages
            for directory in [paths.archive, paths.rejected] {
                for name in try FileOperations.listDirectory(directory) where !name.hasPrefix(".") {
                    let path = directory + "/" + name
                    if let status = try FileOperations.fileStatus(path), status.kind == .regular, status.modified < limit {
                        try FileOperations.removeFile(path)
                        report.inputs += 1
                    }
                }
            }
        }
        return report
    }

    // MARK: Inputs

    /// Claims an inbox file by renaming it into `incoming/` (atomic; the writer's file is
    /// never read in place). Returns nil if it vanished before the claim. `name` may be a
    /// path relative to the inbox (`recalls/r.csv`): it stays the input's original name.
    public func claim(inboxName name: String) throws -> ClaimedInput? {
        claimCounter += 1
        let stamp = String(UInt64(clock().timeIntervalSince1970 * 1000), radix: 10)
        let claimed = Self.claimedName(stamp: stamp, counter: claimCounter, inboxPath: name)
        let target = paths.incoming + "/" + claimed
        do {
            try FileOperations.renameNoReplace(paths.inbox + "/" + name, to: target)
            CrashPoint.hit("claim.after-rename")
        } catch let error as FileSystemError where error.code == .notFound {
            return nil
        } catch let error as FileSystemError {
            throw SpoolError(code: .fileSystem, message: "cannot claim inbox file", path: error.path, cause: error)
        }
        try SpoolError.wrap("cannot claim inbox file") {
            try FileOperations.synchronizeDirectory(paths.incoming)
            try FileOperations.synchronizeDirectory(FileOperations.directoryName(of: paths.inbox + "/" + name))
        }
        return ClaimedInput(originalName: name, path: target)
    }

    /// `<millis>-<n>-<name>` → `<name>`.
    static func originalName(ofClaimed claimed: String) -> String {
        let parts = claimed.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[2]) : claimed
    }

    /// Reads a claimed input's bytes.
    public func read(_ input: ClaimedInput, limit: Int = 256 << 20) throws -> [UInt8] {
        try SpoolError.wrap("cannot read claimed input") { try FileOperations.readFile(input.path, limit: limit) }
    }

    /// Moves a claimed input to `rejected/` with its bytes intact and a `.reason` file beside it.
    public func reject(_ input: ClaimedInput, reason: String) throws {
        try SpoolError.wrap("cannot move input to rejected/") {
            let base = paths.rejected + "/" + (input.path.split(separator: "/").last.map(String.init) ?? input.originalName)
            try? FileOperations.removeFile(base + ".reason")
            // A name shortened at the claim: the reason keeps the inbox name it had.
            let claimedAs = Self.inboxPath(ofClaimed: input.path.split(separator: "/").last.map(String.init) ?? "")
            let text = claimedAs == input.originalName ? reason + "\n" : reason + "\ninbox name: " + input.originalName + "\n"
            try FileOperations.createFile(at: base + ".reason", contents: Array(text.utf8), synchronize: true)
            try FileOperations.rename(input.path, to: base)
            try FileOperations.synchronizeDirectory(paths.rejected)
            try FileOperations.synchronizeDirectory(paths.incoming)
        }
    }

    // MARK: Reading

    /// Reads a message (its own file, or its record in its batch) in its current state.
    public func message(_ id: MessageID) throws -> SpoolMessage {
        guard let n = index.slotNumber(of: id) else { throw SpoolError(code: .notFound, message: "no such message", path: "\(id)") }
        return try message(slot: n)
    }

    func message(slot n: Int32) throws -> SpoolMessage {
        let id = index[n].id
        let location = index.location(n)
        if let batch = location.batch {
            let path = batchPath(batch)
            return try SpoolError.wrap("cannot read message") {
                let m = try MessageFile.decode(try BatchFile.readRecord(path, offset: location.offset, length: location.length), path: path)
                guard m.id == id else { throw SpoolError(code: .corruptFile, message: "batch record is not the message indexed there", path: path) }
                return m
            }
        }
        let path = paths.path(of: id, in: index[n].state)
        return try SpoolError.wrap("cannot read message") { try MessageFile.decode(try FileOperations.readFile(path), path: path) }
    }

    public func entry(_ id: MessageID) -> SpoolEntry? { index.slotNumber(of: id).map { index.entry($0) } }

    public func entry(forKey key: MessageKey) -> SpoolEntry? { index.slotNumber(forKey: key).map { index.entry($0) } }

    /// Every message the index holds (in no particular order), made on demand.
    public var allEntries: some Sequence<SpoolEntry> {
        let index = self.index
        return index.liveSlots.lazy.map { index.entry($0) }
    }

    /// The batch holding a message, or nil when the message has its own file.
    public func batch(of id: MessageID) -> MessageID? { index.slotNumber(of: id).flatMap { index.location($0).batch } }

    func batchPath(_ id: MessageID) -> String { paths.directory(for: .queued) + "/\(id)" + BatchFile.suffix }

    func leftPath(_ id: MessageID) -> String { paths.directory(for: .queued) + "/\(id)" + BatchFile.leftSuffix }

    // MARK: Small state

    /// The time of the last release, kept across restarts so the stagger holds after one.
    public func lastRelease() -> Date? {
        guard let bytes = try? FileOperations.readFile(paths.state + "/last-release"),
              let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return Timestamp.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public func recordRelease(_ time: Date) throws {
        try SpoolError.wrap("cannot record the release time") {
            try FileOperations.replaceFile(at: paths.state + "/last-release", contents: Array((Timestamp.format(time) + "\n").utf8))
        }
    }
}
