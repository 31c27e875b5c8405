import Foundation
public import RemindCore
import FileSystemKit

extension Spool {
    /// Compares an export's candidate messages with the index (idempotency by key):
    /// a new key is added; the same key with the same appointment start is left alone;
    /// a pending message whose appointment moved is replaced (the old one cancelled,
    /// reason `rescheduled`); a message in flight or final for the same start is never
    /// sent again, but one an export withdrew (``withdrawnByAnExport(_:)``) is queued
    /// again when a later row lists the appointment again. `withdraw` lists keys whose
    /// appointments were cancelled.
    public func plan(candidates: [SpoolMessage], withdraw: [(key: MessageKey, reason: String)] = []) -> IngestPlan {
        var plan = IngestPlan()
        var seen: [MessageKey: Int] = [:]
        var cancelling = Set<MessageID>()
        for candidate in candidates {
            if let i = seen[candidate.key] {
                plan.add[i] = candidate  // the last row for a key wins within one file
                continue
            }
            guard let n = index.slotNumber(forKey: candidate.key) else {
                seen[candidate.key] = plan.add.count
                plan.add.append(candidate)
                continue
            }
            let existing = index[n]
            if Self.sameOccasion(existing, candidate), !(existing.state == .cancelled && withdrawnByAnExport(n)) {
                if existing.state.isPending { plan.unchanged += 1 } else { plan.alreadyHandled += 1 }
                continue
            }
            switch existing.state {
            case .queued, .deferred, .held:
                plan.cancel.append((existing.id, "rescheduled"))
                cancelling.insert(existing.id)
                seen[candidate.key] = plan.add.count
                plan.add.append(candidate)
            case .active, .uncertain:
                plan.alreadyHandled += 1
            case .sent, .delivered, .failed, .expired, .cancelled:  // (cancelled: another time, or withdrawn by an export)
                seen[candidate.key] = plan.add.count
                plan.add.append(candidate)
            }
        }
        for (key, reason) in withdraw {
            if let n = index.slotNumber(forKey: key), index[n].state.isPending, cancelling.insert(index[n].id).inserted {
                plan.cancel.append((index[n].id, reason))
            }
        }
        return plan
    }

    /// Whether a cancelled message was withdrawn by an export (a cancelled status, a move,
    /// missing from a snapshot, an opted-out number), not by an operator: a later row that
    /// lists the same appointment again in a reminded status reinstates it, as applying
    /// the rows in order does (also when a crash replays an input whose first piece
    /// withdrew what a later piece had queued). An operator's cancel stays. Read from the
    /// message's history: only for a key whose latest message is cancelled at the same time.
    func withdrawnByAnExport(_ n: Int32) -> Bool {
        guard let cancelled = (try? message(slot: n))?.events.last(where: { $0.what == "cancelled" }) else { return false }
        return !cancelled.detail.contains("operator")
    }

    /// Whether a candidate is about the same occasion as the message its key already has:
    /// the same appointment start when it is about an appointment (its due time is not
    /// compared: it is clamped to "now" when the lead time has passed, so it differs on
    /// every re-export), else the same due time. The spool stores times to the second.
    static func sameOccasion(_ existing: IndexSlot, _ candidate: SpoolMessage) -> Bool {
        let candidateStart = candidate.appointmentStart?.timeIntervalSince1970 ?? .nan
        if !existing.appointment.isNone || !candidateStart.isNaN {
            return sameSecond(existing.appointment.seconds, candidateStart)
        }
        return sameSecond(existing.due, candidate.due.timeIntervalSince1970)
    }

    static func sameSecond(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        return a.rounded(.down) == b.rounded(.down)
    }

    /// Makes a plan durable as one group commit, and only then archives the input:
    ///
    /// 1. the new messages are written as one batch file into `tmp/`;
    /// 2. withdrawn messages are moved to `cancelled/` (a batch member gets its own file,
    ///    written into `tmp/` and renamed; a message with its own file is renamed), each
    ///    with an appended `Event:` line;
    /// 3. one flush: `fdatasync` of the batch and of each withdrawn message's file and an
    ///    fsync of the directories involved, or, for more than ``fewWithdrawals``, one
    ///    `syncfs`; then the withdrawn batch members' ids go into their batches' `.left` logs;
    /// 4. the batch is renamed into `queued/`, and `queued/` fsync'd: the batch is durable;
    /// 5. the input is renamed into `archive/`, and `incoming/` fsync'd.
    ///
    /// Withdrawals come before the batch, so a crash never leaves a rescheduled
    /// appointment's old and new reminders both pending. A failure before step 4 (ENOSPC,
    /// EIO) removes the batch from `tmp/` and leaves the input in `incoming/`; a crash
    /// anywhere leaves the input in `incoming/`, and recovery ingests it again (the key
    /// index skips what is already queued). Returns the entries queued; the index learns
    /// of them only when the batch is durable.
    @discardableResult
    public func commit(_ plan: IngestPlan, input: ClaimedInput?) throws -> [SpoolEntry] {
        let now = clock()
        logPendingLeaves()
        // A new message's history starts with `queued` (added as it is encoded: the
        // messages are not copied to add it).
        let messages = plan.add
        let batchID = messages.first?.id
        var queued: [SpoolEntry] = []
        queued.reserveCapacity(messages.count)
        var members: [BatchFile.Member] = []
        // A few withdrawals are flushed file by file; more with one syncfs.
        let few = plan.cancel.count <= Self.fewWithdrawals
        try SpoolError.wrap("cannot queue messages") {
            // No ingest without the reserve that lets delivery go on if the disk fills.
            try ensureReserve()
            reserveReleased = false
            var temporary: String?
            do {
                if let batchID {
                    let encoded = BatchFile.encodeParts(
                        id: batchID, input: input?.originalName, messages: messages, eventIfNone: SpoolEvent(time: now, what: "queued"))
                    members = encoded.members
                    temporary = paths.tmp + "/\(batchID)" + BatchFile.suffix
                    try FileOperations.createFile(at: temporary!, parts: encoded.parts, synchronize: few)
                }
                CrashPoint.hit("commit.after-batch-write")
                if !plan.cancel.isEmpty {
                    var directories: Set<String> = [paths.directory(for: .cancelled)]
                    for (id, reason) in plan.cancel {
                        directories.insert(try withdraw(id, reason: reason, at: now, synchronize: few))
                    }
                    if few {
                        for directory in directories { try FileOperations.synchronizeDirectory(directory) }
                    } else {
                        try FileOperations.synchronizeFileSystem(containing: paths.root)
                    }
                    leavesNeedFlush = false
                    CrashPoint.hit("commit.after-sync")
                    logPendingLeaves()
                } else {
                    CrashPoint.hit("commit.after-sync")
                }
                if let temporary, let batchID {
                    try FileOperations.rename(temporary, to: batchPath(batchID))
                    CrashPoint.hit("commit.after-batch-rename")
                    try FileOperations.synchronizeDirectory(paths.directory(for: .queued))
                }
            } catch {
                if let temporary { try? FileOperations.removeFile(temporary) }
                throw error
            }
            CrashPoint.hit("commit.before-archive")
            if let input {
                try FileOperations.rename(input.path, to: paths.archive + "/" + (input.path.split(separator: "/").last.map(String.init) ?? input.originalName))
                CrashPoint.hit("commit.after-archive")
                try FileOperations.synchronizeDirectory(paths.archive)
                try FileOperations.synchronizeDirectory(paths.incoming)
            }
        }
        if let batchID {
            for (m, member) in zip(messages, members) {
                let entry = SpoolEntry(m, state: .queued, since: now)
                index.insert(entry, location: MessageLocation(batch: batchID, offset: member.offset, length: member.length))
                queued.append(entry)
            }
        }
        changesSinceCheckpoint += queued.count + plan.cancel.count
        return queued
    }

    /// Up to this many withdrawals in one commit are flushed one by one (file and
    /// directories); more with one `syncfs`, which also waits for every other writer on
    /// the file system.
    static let fewWithdrawals = 8

    /// Moves a pending message to `cancelled/`, flushing its file's data only when asked
    /// (the commit flushes the directories, or everything at once, then logs the batch
    /// members that left). Returns the directory it left.
    private func withdraw(_ id: MessageID, reason: String, at now: Date, synchronize: Bool) throws -> String {
        guard let n = index.slotNumber(of: id) else { throw SpoolError(code: .notFound, message: "no such message", path: "\(id)") }
        let event = SpoolEvent(time: now, what: "cancelled", detail: reason)
        if index.location(n).batch != nil {
            try writeOwnFile(n, to: .cancelled, event: event, synchronize: synchronize)
            leavesNeedFlush = true
            left(n, to: .cancelled, at: now, due: nil)
            return paths.directory(for: .cancelled)  // out of tmp/: that entry need not be durable (tmp/ is emptied at start-up)
        }
        let from = paths.directory(for: index[n].state)
        try moveOwnFile(n, to: .cancelled, event: event)
        if synchronize { try FileOperations.synchronizeData(paths.path(of: id, in: .cancelled)) }
        return from
    }
}
