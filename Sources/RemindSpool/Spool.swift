public import Foundation
public import RemindCore
import FileSystemKit

/// The durable store of messages and claimed inputs (see the module overview).
///
/// Not thread-safe: confine an instance to one thread (the daemon runs it on a
/// `BlockingIO`). All methods that change the disk are durable when they return.
public final class Spool: @unchecked Sendable {
    public let paths: SpoolPaths
    private let clock: @Sendable () -> Date
    /// Latest message per key.
    private var byKey: [MessageKey: MessageID] = [:]
    private var entries: [MessageID: SpoolEntry] = [:]
    private var claimCounter = 0
    /// How many messages each state holds, kept up to date by every change.
    public private(set) var stateCounts: [MessageState: Int] = [:]

    public init(paths: SpoolPaths, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.paths = paths
        self.clock = clock
    }

    // MARK: Start-up

    /// Creates every spool directory (mode 0700) that is missing.
    public func prepare() throws {
        try SpoolError.wrap("cannot create the spool directories") {
            for dir in paths.allDirectories { try FileOperations.makeDirectory(dir, mode: 0o700) }
        }
    }

    /// Accounts for every file: removes temporary files, resolves interrupted sends in
    /// `active/`, rebuilds the index from the checkpoint plus a listing of every state
    /// directory (reading only the files the checkpoint does not know in that state), and
    /// lists inputs to ingest again.
    ///
    /// - Parameters:
    ///   - policy: what to do with a message found in `active/` whose hand-over cannot be confirmed.
    ///   - handedOver: asks the provider whether it already has a message: `true` (it does:
    ///     recorded as sent), `false` (it certainly does not: queued again), nil (it cannot
    ///     tell: `policy` decides).
    ///   - progress: called every 100,000 directory entries (to extend a start-up timeout).
    public func recover(
        interrupted policy: InterruptedPolicy = .hold,
        handedOver: (MessageID) -> Bool? = { _ in nil },
        progress: (Int) -> Void = { _ in }
    ) throws -> RecoveryReport {
        var report = RecoveryReport()
        byKey.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        stateCounts.removeAll()
        try SpoolError.wrap("cannot recover the spool") {
            for name in try FileOperations.listDirectory(paths.tmp) where !name.hasPrefix(".") {
                try FileOperations.removeFile(paths.tmp + "/" + name)
                report.removedTemporary += 1
            }
            let now = clock()
            for id in try messageIDs(in: .active) {
                let target: MessageState
                let detail: String
                switch handedOver(id) {
                case true?:
                    target = .sent; detail = "interrupted after the hand-over; the provider has it"
                    report.confirmedSent.append(id)
                case false?:
                    target = .queued; detail = "interrupted before the hand-over; the provider does not have it"
                case nil:
                    target = policy == .hold ? .uncertain : .queued; detail = "interrupted while active"
                    report.interrupted.append(id)
                }
                try FileOperations.rename(paths.path(of: id, in: .active), to: paths.path(of: id, in: target))
                try FileOperations.append(
                    to: paths.path(of: id, in: target),
                    contents: Array(MessageFile.eventLine(SpoolEvent(time: now, what: target.rawValue, detail: detail)).utf8),
                    synchronize: false)
            }
            if !report.interrupted.isEmpty || !report.confirmedSent.isEmpty {
                try FileOperations.synchronizeFileSystem(containing: paths.root)
            }
            // The checkpoint goes straight into the index; every listed file then confirms its entry.
            if let bytes = try? FileOperations.readFile(checkpointPath) {
                let complete = SpoolCheckpoint.decode(bytes, reserve: {
                    entries.reserveCapacity($0)
                    byKey.reserveCapacity($0)
                }, each: { entries[$0.id] = $0 })
                if !complete { entries.removeAll() }
            }
            var confirmed = Set<MessageID>(minimumCapacity: entries.count)
            var listed = 0
            for state in MessageState.allCases {
                let directory = paths.directory(for: state)
                for name in try FileOperations.listDirectory(directory) where !name.hasPrefix(".") {
                    listed += 1
                    if listed % 100_000 == 0 { progress(listed) }
                    guard let id = MessageID(name) else {
                        report.corrupt.append(directory + "/" + name)
                        try quarantine(directory + "/" + name)
                        continue
                    }
                    if let known = entries[id], known.state == state, !confirmed.contains(id) {
                        confirmed.insert(id)
                        report.fromCheckpoint += 1
                        continue
                    }
                    let path = directory + "/" + name
                    do {
                        let message = try MessageFile.decode(try FileOperations.readFile(path), path: path)
                        guard message.id == id, !confirmed.contains(id) else { throw SpoolError(code: .corruptFile, message: "message file in the wrong place", path: path) }
                        entries[id] = SpoolEntry(message, state: state, since: message.events.last?.time ?? message.created)
                        confirmed.insert(id)
                        report.filesRead += 1
                    } catch is SpoolError {
                        report.corrupt.append(path)
                        try quarantine(path)
                    }
                }
            }
            if confirmed.count != entries.count {
                entries = entries.filter { confirmed.contains($0.key) }
            }
            confirmed = []
            // The key index: the newest message of each key.
            for entry in entries.values {
                stateCounts[entry.state, default: 0] += 1
                if let old = byKey[entry.key], old > entry.id { continue }
                byKey[entry.key] = entry.id
            }
            for state in MessageState.allCases { report.countsByState[state] = stateCounts[state, default: 0] }
            report.pendingCount = stateCounts[.queued, default: 0] + stateCounts[.deferred, default: 0]
            report.unfinishedInputs = try FileOperations.listDirectory(paths.incoming).filter { !$0.hasPrefix(".") }.sorted().map {
                ClaimedInput(originalName: Self.inboxPath(ofClaimed: $0), path: paths.incoming + "/" + $0)
            }
        }
        changesSinceCheckpoint = report.filesRead + report.confirmedSent.count + report.interrupted.count
            + (report.fromCheckpoint == entries.count ? 0 : 1)
        return report
    }

    /// Calls `body` with every message waiting to be scheduled (queued and deferred).
    public func forEachPending(_ body: (SpoolEntry) -> Void) {
        for entry in entries.values where entry.state == .queued || entry.state == .deferred { body(entry) }
    }

    // MARK: Checkpoint

    private var checkpointPath: String { paths.state + "/index" }

    /// Changes to the index since the last checkpoint (what a restart would have to read).
    public private(set) var changesSinceCheckpoint = 0

    /// Writes the whole index to `state/index` atomically (temporary file, fsync, rename,
    /// directory fsync), so the next start reads one file instead of every message file.
    public func checkpoint() throws {
        let bytes = SpoolCheckpoint.encode(entries.values, count: entries.count)
        try SpoolError.wrap("cannot write the index checkpoint") {
            try FileOperations.replaceFile(at: checkpointPath, contents: bytes)
        }
        changesSinceCheckpoint = 0
    }

    // MARK: Retention

    /// Removes final messages (sent, delivered, failed, expired, cancelled) that entered
    /// their state before `cutoff`, and archived and rejected inputs last modified before
    /// it. Messages in `uncertain/` and pending ones are never pruned.
    @discardableResult
    public func prune(before cutoff: Date) throws -> PruneReport {
        var report = PruneReport()
        try SpoolError.wrap("cannot prune the spool") {
            var removed: [MessageID] = []
            for entry in entries.values where entry.state.isFinal && entry.since < cutoff {
                try FileOperations.removeFile(paths.path(of: entry.id, in: entry.state))
                removed.append(entry.id)
            }
            for id in removed {
                guard let entry = entries.removeValue(forKey: id) else { continue }
                stateCounts[entry.state, default: 0] -= 1
                if byKey[entry.key] == id { byKey[entry.key] = nil }
            }
            report.messages = removed.count
            changesSinceCheckpoint += removed.count
            for directory in [paths.archive, paths.rejected] {
                for name in try FileOperations.listDirectory(directory) where !name.hasPrefix(".") {
                    let path = directory + "/" + name
                    if let status = try FileOperations.fileStatus(path), status.kind == .regular, status.modified < cutoff.timeIntervalSince1970 {
                        try FileOperations.removeFile(path)
                        report.inputs += 1
                    }
                }
            }
        }
        return report
    }

    private func messageIDs(in state: MessageState) throws -> [MessageID] {
        try FileOperations.listDirectory(paths.directory(for: state)).compactMap { MessageID($0) }
    }

    private func quarantine(_ path: String) throws {
        let name = "corrupt-" + path.split(separator: "/").suffix(2).joined(separator: "-")
        try FileOperations.rename(path, to: paths.rejected + "/" + name)
    }

    // MARK: Inputs

    /// Claims an inbox file by renaming it into `incoming/` (atomic; the writer's file is
    /// never read in place). Returns nil if it vanished before the claim. `name` may be a
    /// path relative to the inbox (`recalls/r.csv`): it stays the input's original name.
    public func claim(inboxName name: String) throws -> ClaimedInput? {
        claimCounter += 1
        let stamp = String(UInt64(clock().timeIntervalSince1970 * 1000), radix: 10)
        let claimed = "\(stamp)-\(claimCounter)-\(Self.escapeClaimName(name))"
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
            try FileOperations.createFile(at: base + ".reason", contents: Array((reason + "\n").utf8), synchronize: true)
            try FileOperations.rename(input.path, to: base)
            try FileOperations.synchronizeDirectory(paths.rejected)
            try FileOperations.synchronizeDirectory(paths.incoming)
        }
    }

    // MARK: Ingest

    /// Compares an export's candidate messages with the index (idempotency by key):
    /// a new key is added; the same key with the same appointment start is left alone;
    /// a pending message whose appointment moved is replaced (the old one cancelled,
    /// reason `rescheduled`); a message in flight or final for the same start is never
    /// sent again. `withdraw` lists keys whose appointments were cancelled.
    public func plan(candidates: [SpoolMessage], withdraw: [(key: MessageKey, reason: String)] = []) -> IngestPlan {
        var plan = IngestPlan()
        var seen: [MessageKey: Int] = [:]
        for candidate in candidates {
            if let i = seen[candidate.key] {
                plan.add[i] = candidate  // the last row for a key wins within one file
                continue
            }
            guard let id = byKey[candidate.key], let existing = entries[id] else {
                seen[candidate.key] = plan.add.count
                plan.add.append(candidate)
                continue
            }
            if Self.sameOccasion(existing, candidate) {
                if existing.state.isPending { plan.unchanged += 1 } else { plan.alreadyHandled += 1 }
                continue
            }
            switch existing.state {
            case .queued, .deferred, .held:
                plan.cancel.append((existing.id, "rescheduled"))
                seen[candidate.key] = plan.add.count
                plan.add.append(candidate)
            case .active, .uncertain:
                plan.alreadyHandled += 1
            case .sent, .delivered, .failed, .expired, .cancelled:
                seen[candidate.key] = plan.add.count
                plan.add.append(candidate)
            }
        }
        for (key, reason) in withdraw {
            if let id = byKey[key], let e = entries[id], e.state.isPending, !plan.cancel.contains(where: { $0.id == id }) {
                plan.cancel.append((id, reason))
            }
        }
        return plan
    }

    /// Whether a candidate is about the same occasion as the message its key already has:
    /// the same appointment start when it is about an appointment (its due time is not
    /// compared: it is clamped to "now" when the lead time has passed, so it differs on
    /// every re-export), else the same due time.
    static func sameOccasion(_ existing: SpoolEntry, _ candidate: SpoolMessage) -> Bool {
        if existing.appointmentStart != nil || candidate.appointmentStart != nil {
            return sameSecond(existing.appointmentStart, candidate.appointmentStart)
        }
        return sameSecond(existing.due, candidate.due)
    }

    /// The spool stores times to the second; compare at that precision.
    static func sameSecond(_ a: Date?, _ b: Date?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (a?, b?): a.timeIntervalSince1970.rounded(.down) == b.timeIntervalSince1970.rounded(.down)
        default: false
        }
    }

    /// Makes a plan durable as one group commit: every new message file written into
    /// `tmp/`, one `syncfs`, renamed into `queue/`; withdrawn messages moved to
    /// `cancelled/`; the input renamed into `archive/`; one more `syncfs`. Two `syncfs`
    /// per export, whatever its size. Returns the entries queued; the index learns of
    /// them only when everything is durable (a caller that schedules the returned
    /// entries never sees part of a batch).
    ///
    /// A failure before the first `syncfs` (ENOSPC, EIO) removes what it wrote and leaves
    /// the spool and the input as they were. A crash anywhere leaves the input in
    /// `incoming/`; recovery ingests it again and the key index skips what is already queued.
    @discardableResult
    public func commit(_ plan: IngestPlan, input: ClaimedInput?) throws -> [SpoolEntry] {
        let now = clock()
        var queued: [SpoolEntry] = []
        queued.reserveCapacity(plan.add.count)
        try SpoolError.wrap("cannot queue messages") {
            var written: [String] = []
            do {
                for var message in plan.add {
                    if message.events.isEmpty { message.events = [SpoolEvent(time: now, what: "queued")] }
                    let path = paths.tmp + "/\(message.id)"
                    try FileOperations.createFile(at: path, contents: MessageFile.encode(message), synchronize: false)
                    written.append(path)
                    queued.append(SpoolEntry(message, state: .queued, since: now))
                }
                CrashPoint.hit("commit.after-tmp-writes")
                if !written.isEmpty { try FileOperations.synchronizeFileSystem(containing: paths.root) }
            } catch {
                for path in written { try? FileOperations.removeFile(path) }
                throw error
            }
            CrashPoint.hit("commit.after-syncfs")
            for (i, entry) in queued.enumerated() {
                if i == queued.count / 2 { CrashPoint.hit("commit.mid-renames") }
                try FileOperations.rename(paths.tmp + "/\(entry.id)", to: paths.path(of: entry.id, in: .queued))
            }
            for (id, reason) in plan.cancel {
                try moveFile(id, to: .cancelled, what: "cancelled", detail: reason, at: now)
            }
            CrashPoint.hit("commit.before-archive")
            if let input {
                try FileOperations.rename(input.path, to: paths.archive + "/" + (input.path.split(separator: "/").last.map(String.init) ?? input.originalName))
            }
            CrashPoint.hit("commit.after-archive")
            try FileOperations.synchronizeFileSystem(containing: paths.root)
        }
        for entry in queued { index(entry) }
        changesSinceCheckpoint += queued.count + plan.cancel.count
        return queued
    }

    // MARK: Transitions

    /// Moves a message to another state, appending an `Event:` line; durable on return.
    @discardableResult
    public func transition(_ id: MessageID, to state: MessageState, what: String? = nil, detail: String = "") throws -> SpoolEntry {
        let now = clock()
        let from = entries[id]?.state
        try SpoolError.wrap("cannot move message to \(state.rawValue)/") {
            try moveFile(id, to: state, what: what ?? state.rawValue, detail: detail, at: now)
            // One message: flush its own file and the two directory entries, not the whole
            // file system (syncfs would wait for every other writer on the disk, and a release
            // must leave within a second of its slot).
            try FileOperations.synchronizeData(paths.path(of: id, in: state))
            try FileOperations.synchronizeDirectory(paths.directory(for: state))
            if let from, from != state { try FileOperations.synchronizeDirectory(paths.directory(for: from)) }
        }
        guard let entry = entries[id] else {
            throw SpoolError(code: .notFound, message: "no such message", path: "\(id)")
        }
        return entry
    }

    /// Renames a message's file into `state`'s directory, then appends the event line.
    /// The rename is the transition: once it is done the index follows it, and a failed
    /// append (a full disk) loses only the history line, not the state.
    private func moveFile(_ id: MessageID, to state: MessageState, what: String, detail: String, at now: Date) throws {
        guard var entry = entries[id] else {
            throw SpoolError(code: .notFound, message: "no such message", path: "\(id)")
        }
        let target = paths.path(of: id, in: state)
        if entry.state != state {
            try FileOperations.rename(paths.path(of: id, in: entry.state), to: target)
            CrashPoint.hit("transition.after-rename")
        }
        stateCounts[entry.state, default: 0] -= 1
        stateCounts[state, default: 0] += 1
        entry.state = state
        entry.since = now
        entries[id] = entry
        changesSinceCheckpoint += 1
        do {
            try FileOperations.append(to: target, contents: Array(MessageFile.eventLine(SpoolEvent(time: now, what: what, detail: detail)).utf8), synchronize: false)
        } catch let error as FileSystemError where error.code == .noSpace {
            // The state is in the directory; the history line is what a full disk costs.
        }
    }

    /// Reads a message's file in its current state.
    public func message(_ id: MessageID) throws -> SpoolMessage {
        guard let entry = entries[id] else { throw SpoolError(code: .notFound, message: "no such message", path: "\(id)") }
        let path = paths.path(of: id, in: entry.state)
        return try SpoolError.wrap("cannot read message") { try MessageFile.decode(try FileOperations.readFile(path), path: path) }
    }

    public func entry(_ id: MessageID) -> SpoolEntry? { entries[id] }

    public func entry(forKey key: MessageKey) -> SpoolEntry? { byKey[key].flatMap { entries[$0] } }

    /// Every message the index holds (in no particular order).
    public var allEntries: Dictionary<MessageID, SpoolEntry>.Values { entries.values }


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

    private func index(_ entry: SpoolEntry) {
        if let previous = entries[entry.id] { stateCounts[previous.state, default: 0] -= 1 }
        stateCounts[entry.state, default: 0] += 1
        if let old = byKey[entry.key], let oldEntry = entries[old], oldEntry.id > entry.id {
            entries[entry.id] = entry  // an older message of the same key: keep the newer as the key's latest
            return
        }
        byKey[entry.key] = entry.id
        entries[entry.id] = entry
    }
}
