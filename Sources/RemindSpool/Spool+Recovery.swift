import Foundation
public import RemindCore
import FileSystemKit

extension Spool {
    /// Accounts for every file: removes temporary files, resolves interrupted sends in
    /// `active/`, rebuilds the index from the checkpoint plus a listing of every state
    /// directory (reading only the files and batches the checkpoint does not know), repairs
    /// batches' `.left` logs, deletes batches every member has left, and lists inputs to
    /// ingest again.
    ///
    /// A message with its own file has left its batch, whatever the batch's log says: its
    /// own file was made durable before the log line, so a crash in between leaves the
    /// message in both, and the own file (the later state) wins.
    ///
    /// - Parameters:
    ///   - policy: what to do with a message found in `active/` whose hand-over cannot be confirmed.
    ///   - handedOver: asks the provider whether it already has a message: `true` (it does:
    ///     recorded as sent), `false` (it certainly does not: queued again), nil (it cannot
    ///     tell: `policy` decides).
    ///   - progress: called every 100,000 directory entries and batch records read (to
    ///     extend a start-up timeout).
    public func recover(
        interrupted policy: InterruptedPolicy = .hold,
        handedOver: (MessageID) -> Bool? = { _ in nil },
        progress: (Int) -> Void = { _ in }
    ) throws -> RecoveryReport {
        var report = RecoveryReport()
        index.removeAll()
        unloggedLeaves.removeAll()
        emptyBatches.removeAll()
        leavesNeedFlush = false
        var repairs = 0
        try SpoolError.wrap("cannot recover the spool") {
            for name in try FileOperations.listDirectory(paths.tmp) where !name.hasPrefix(".") {
                try FileOperations.removeFile(paths.tmp + "/" + name)
                report.removedTemporary += 1
            }
            try resolveActive(policy, handedOver, &report)

            // The checkpoint goes straight into the index; every listed file then confirms its entry.
            var knownBatches = Set<MessageID>()
            let complete = SpoolCheckpoint.decode(
                path: checkpointPath, batches: { knownBatches = Set($0) }, reserve: { index.reserve($0) },
                each: { index.insert($0, location: $1, keyed: false) })
            if !complete {
                index.removeAll()
                knownBatches = []
            }
            var confirmed = [Bool](repeating: false, count: index.slots.count)
            func confirm(_ n: Int32) {
                if Int(n) >= confirmed.count { confirmed += repeatElement(false, count: Int(n) + 1 - confirmed.count) }
                confirmed[Int(n)] = true
            }
            func isConfirmed(_ n: Int32) -> Bool { Int(n) < confirmed.count && confirmed[Int(n)] }

            // Own files, in every state directory; batches are listed for the second pass.
            var batches: [MessageID] = []
            var logs = Set<MessageID>()
            var leftBatchUnlogged: [MessageID: [MessageID]] = [:]  // batch → members with own files
            var listed = 0
            for state in MessageState.allCases {
                let directory = paths.directory(for: state)
                for name in try FileOperations.listDirectory(directory) where !name.hasPrefix(".") {
                    listed += 1
                    if listed % 100_000 == 0 { progress(listed) }
                    if state == .queued, name.hasSuffix(BatchFile.suffix), let id = MessageID(name.dropLast(BatchFile.suffix.count)) {
                        batches.append(id)
                        continue
                    }
                    if state == .queued, name.hasSuffix(BatchFile.leftSuffix), let id = MessageID(name.dropLast(BatchFile.leftSuffix.count)) {
                        logs.insert(id)
                        continue
                    }
                    let path = directory + "/" + name
                    guard let id = MessageID(name) else {
                        report.corrupt.append(path)
                        try quarantine(path)
                        continue
                    }
                    let known = index.slotNumber(of: id)
                    // A deferred message may have come back to deferred/ with another retry
                    // time since the checkpoint: its file (one of few) is always read.
                    if let n = known, index[n].state == state, state != .deferred, index[n].batch == SpoolIndex.ownFile, !isConfirmed(n) {
                        confirm(n)
                        report.fromCheckpoint += 1
                        continue
                    }
                    do {
                        let message = try MessageFile.decode(try FileOperations.readFile(path), path: path)
                        guard message.id == id, known.map({ !isConfirmed($0) }) ?? true else {
                            throw SpoolError(code: .corruptFile, message: "message file in the wrong place", path: path)
                        }
                        if let n = known {
                            if let batch = index.location(n).batch { leftBatchUnlogged[batch, default: []].append(id) }
                            index.remove(n)
                        }
                        confirm(index.insert(Self.entry(message, state: state), location: .ownFile, keyed: false))
                        report.filesRead += 1
                    } catch is SpoolError {
                        report.corrupt.append(path)
                        try quarantine(path)
                    }
                }
            }

            // Batches: a known one confirms its checkpoint members; another is read whole.
            var present = Set<MessageID>()
            var leftOf: [MessageID: Set<MessageID>] = [:]
            for batch in batches.sorted() {
                let left = try BatchFile.readLeft(leftPath(batch))
                leftOf[batch] = left
                var missing = leftBatchUnlogged[batch, default: []].filter { !left.contains($0) }
                if knownBatches.contains(batch) {
                    present.insert(batch)
                } else {
                    let path = batchPath(batch)
                    let bytes = try FileOperations.readFile(path)
                    let members: [BatchFile.Member]
                    do {
                        members = try BatchFile.members(of: bytes, path: path)
                    } catch is SpoolError {
                        report.corrupt.append(path)
                        try quarantine(path)
                        continue
                    }
                    present.insert(batch)
                    for member in members where !left.contains(member.id) {
                        if let n = index.slotNumber(of: member.id) {
                            if isConfirmed(n) {
                                missing.append(member.id)  // its own file is the later state
                                continue
                            }
                            index.remove(n)
                        }
                        let record = Array(bytes[Int(member.offset)..<Int(member.offset + member.length)])
                        do {
                            let message = try MessageFile.decode(record, path: path)
                            guard message.id == member.id else { throw SpoolError(code: .corruptFile, message: "batch record id", path: path) }
                            confirm(index.insert(Self.entry(message, state: .queued),
                                                 location: MessageLocation(batch: batch, offset: member.offset, length: member.length), keyed: false))
                        } catch is SpoolError {
                            // Its bytes go to rejected/ and it leaves the batch, so deleting the
                            // batch once the others have left cannot take them with it.
                            report.corrupt.append(path + "#\(member.id)")
                            try quarantineRecord(record, of: member.id, in: batch)
                            missing.append(member.id)
                        }
                        report.filesRead += 1
                        if report.filesRead % 100_000 == 0 { progress(listed + report.filesRead) }
                    }
                }
                if !missing.isEmpty {
                    try BatchFile.appendLeft(leftPath(batch), missing.sorted())
                    leftOf[batch]!.formUnion(missing)
                    repairs += missing.count
                }
            }

            // Checkpoint members of known batches still in them; every other unconfirmed entry is gone.
            var stale: [Int32] = []
            for n in index.liveSlots where !isConfirmed(n) {
                if let batch = index.location(n).batch, present.contains(batch), knownBatches.contains(batch),
                   leftOf[batch]?.contains(index[n].id) != true {
                    confirm(n)
                    report.fromCheckpoint += 1
                } else {
                    stale.append(n)
                }
            }
            for n in stale { index.remove(n) }
            confirmed = []

            // Batches no member is in any more, and logs without a batch.
            for batch in present where index.batchNumber(batch).map({ index.batches[$0]?.remaining ?? 0 }) ?? 0 == 0 {
                index.forgetBatch(batch)
                try FileOperations.removeFile(batchPath(batch))
                try FileOperations.synchronizeDirectory(paths.directory(for: .queued))
                try FileOperations.removeFile(leftPath(batch))
                repairs += 1
            }
            for log in logs where !present.contains(log) {
                try FileOperations.removeFile(leftPath(log))
            }
            index.rebuildKeys()

            // The reserve is made again when there is room; a full disk is the next ingest's error.
            reserveReleased = (try? ensureReserve()) == nil
            for state in MessageState.allCases { report.countsByState[state] = index.counts[state, default: 0] }
            report.pendingCount = index.counts[.queued, default: 0] + index.counts[.deferred, default: 0]
            report.unfinishedInputs = try FileOperations.listDirectory(paths.incoming).filter { !$0.hasPrefix(".") }.sorted().map {
                ClaimedInput(originalName: Self.inboxPath(ofClaimed: $0), path: paths.incoming + "/" + $0)
            }
        }
        changesSinceCheckpoint = report.filesRead + report.confirmedSent.count + report.interrupted.count + repairs
            + (report.fromCheckpoint == index.count ? 0 : 1)
        return report
    }

    /// Resolves every message left in `active/` (its own file): the provider has it →
    /// `sent/`; it certainly does not → `queued/`; else `policy`.
    private func resolveActive(_ policy: InterruptedPolicy, _ handedOver: (MessageID) -> Bool?, _ report: inout RecoveryReport) throws {
        let now = clock()
        let ids = try FileOperations.listDirectory(paths.directory(for: .active)).compactMap { MessageID($0) }
        for id in ids {
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
        if !ids.isEmpty { try FileOperations.synchronizeFileSystem(containing: paths.root) }
    }

    /// The index entry of a message read from its file or batch record: it entered its
    /// state at its last event; a deferred message is due at the retry time its
    /// `deferred` event recorded.
    static func entry(_ message: SpoolMessage, state: MessageState) -> SpoolEntry {
        var entry = SpoolEntry(message, state: state, since: message.events.last?.time ?? message.created)
        if state == .deferred, let retry = retryTime(message.events) { entry.due = retry }
        return entry
    }

    /// The `retry=<time>` of the last `deferred` event.
    static func retryTime(_ events: [SpoolEvent]) -> Date? {
        guard let event = events.last(where: { $0.what == "deferred" }), event.detail.hasPrefix("retry=") else { return nil }
        return Timestamp.parse(event.detail.dropFirst(6).prefix(20))
    }

    /// Writes a batch member's damaged record, byte for byte, to
    /// `rejected/corrupt-<batch>.batch-<id>`, durably.
    func quarantineRecord(_ record: [UInt8], of id: MessageID, in batch: MessageID) throws {
        try FileOperations.createFile(at: paths.rejected + "/corrupt-\(batch)\(BatchFile.suffix)-\(id)", contents: record, synchronize: true)
        try FileOperations.synchronizeDirectory(paths.rejected)
    }

    func quarantine(_ path: String) throws {
        let name = "corrupt-" + path.split(separator: "/").suffix(2).joined(separator: "-")
        try FileOperations.rename(path, to: paths.rejected + "/" + name)
    }
}
