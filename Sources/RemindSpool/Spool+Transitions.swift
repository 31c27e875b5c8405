public import Foundation
public import RemindCore
import FileSystemKit

extension Spool {
    /// Moves a message to another state, appending an `Event:` line; durable on return.
    ///
    /// A message with its own file is renamed into the new state's directory (the rename
    /// *is* the transition), its event appended, and the file and both directories
    /// flushed. A message still in its batch leaves it: its own file (the batch record plus
    /// the event) is written into `tmp/`, flushed, renamed into the new state's directory
    /// and the directory flushed; only then is its id appended to the batch's `.left` log.
    ///
    /// - Parameter due: for `deferred`, the retry time: it becomes the entry's `due` and is
    ///   recorded first in the event's detail (`retry=<time>`), so it survives a restart.
    @discardableResult
    public func transition(
        _ id: MessageID, to state: MessageState, what: String? = nil, detail: String = "", due: Date? = nil
    ) throws -> SpoolEntry {
        precondition(due == nil || state == .deferred, "only a deferred message gets a retry time")
        guard let n = index.slotNumber(of: id) else {
            throw SpoolError(code: .notFound, message: "no such message", path: "\(id)")
        }
        logPendingLeaves()
        let now = clock()
        var detail = detail
        if let due { detail = "retry=\(Timestamp.format(due))" + (detail.isEmpty ? "" : " " + detail) }
        let event = SpoolEvent(time: now, what: what ?? state.rawValue, detail: detail)
        try SpoolError.wrap("cannot move message to \(state.rawValue)/") {
            if index.location(n).batch != nil {
                try withReserve { try writeOwnFile(n, to: state, event: event, synchronize: true) }
                try FileOperations.synchronizeDirectory(paths.directory(for: state))
                left(n, to: state, at: now, due: due)
                CrashPoint.hit("leave.after-own-file")
                logPendingLeaves()
            } else {
                let from = index[n].state
                try moveOwnFile(n, to: state, event: event, due: due)
                // One message: flush its own file and the two directory entries, not the whole
                // file system (syncfs would wait for every other writer on the disk, and a release
                // must leave within a second of its slot).
                try FileOperations.synchronizeData(paths.path(of: id, in: state))
                try FileOperations.synchronizeDirectory(paths.directory(for: state))
                if from != state { try FileOperations.synchronizeDirectory(paths.directory(for: from)) }
            }
        }
        return index.entry(n)
    }

    /// Writes a batch member's own file (its record plus `event`) into `tmp/` and renames
    /// it into `state`'s directory; flushes the file's data when asked (the directory is
    /// the caller's).
    func writeOwnFile(_ n: Int32, to state: MessageState, event: SpoolEvent, synchronize: Bool) throws {
        var m = try message(slot: n)
        m.events.append(event)
        let temporary = paths.tmp + "/\(m.id)"
        try? FileOperations.removeFile(temporary)
        try FileOperations.createFile(at: temporary, contents: MessageFile.encode(m), synchronize: synchronize)
        do {
            try FileOperations.rename(temporary, to: paths.path(of: m.id, in: state))
        } catch {
            try? FileOperations.removeFile(temporary)
            throw error
        }
    }

    /// Records in the index that a batch member now has its own file in `state` (written
    /// by ``writeOwnFile(_:to:event:synchronize:)``); its id waits in ``unloggedLeaves``
    /// for the batch's `.left` log.
    func left(_ n: Int32, to state: MessageState, at now: Date, due: Date?) {
        guard let batch = index.location(n).batch else { return }
        index.update(n, state: state, since: now, due: due)
        unloggedLeaves[index[n].id] = batch
        if let emptied = index.detachFromBatch(n) { emptyBatches.insert(emptied) }
        changesSinceCheckpoint += 1
    }

    /// Renames a message's own file into `state`'s directory, then appends the event
    /// line. The rename is the transition: once it is done the index follows it, and a
    /// failed append (a full disk) loses only the history line, not the state.
    func moveOwnFile(_ n: Int32, to state: MessageState, event: SpoolEvent, due: Date? = nil) throws {
        let id = index[n].id
        let from = index[n].state
        let target = paths.path(of: id, in: state)
        if from != state {
            try FileOperations.rename(paths.path(of: id, in: from), to: target)
            CrashPoint.hit("transition.after-rename")
        }
        index.update(n, state: state, since: event.time, due: due)
        changesSinceCheckpoint += 1
        do {
            try FileOperations.append(to: target, contents: Array(MessageFile.eventLine(event).utf8), synchronize: false)
        } catch let error as FileSystemError where error.code == .noSpace {
            // The state is in the directory; the history line is what a full disk costs.
        }
    }

    /// Appends the ids of members that left their batches to the batches' `.left` logs,
    /// and deletes batches that every member has left (the batch first, then its log, so
    /// a batch never outlives its log). Call it only when the members' own files are
    /// durable; a failure (a full disk) keeps them for the next call and is not thrown:
    /// the own files already hold the state, and recovery repairs a missing log line.
    func logPendingLeaves() {
        guard !unloggedLeaves.isEmpty || !emptyBatches.isEmpty else { return }
        if leavesNeedFlush {
            guard (try? FileOperations.synchronizeFileSystem(containing: paths.root)) != nil else { return }
            leavesNeedFlush = false
        }
        var byBatch: [MessageID: [MessageID]] = [:]
        for (id, batch) in unloggedLeaves where !emptyBatches.contains(batch) { byBatch[batch, default: []].append(id) }
        for (batch, ids) in byBatch {
            guard (try? BatchFile.appendLeft(leftPath(batch), ids.sorted())) != nil else { continue }
            for id in ids { unloggedLeaves[id] = nil }
        }
        for batch in emptyBatches {
            do {
                try FileOperations.removeFile(batchPath(batch))
                try FileOperations.synchronizeDirectory(paths.directory(for: .queued))
                try FileOperations.removeFile(leftPath(batch))
            } catch {
                continue
            }
            emptyBatches.remove(batch)
            unloggedLeaves = unloggedLeaves.filter { $0.value != batch }
        }
    }
}
