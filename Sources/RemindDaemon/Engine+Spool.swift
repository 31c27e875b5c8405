import FileSystemKit
import Foundation
import Logging
import RemindAssembly
import RemindConfig
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSpool

/// The spool's housekeeping, driven by the release loop (no timer of its own): retention
/// once a day, retries of inputs a spool error stopped (a full disk), and index
/// checkpoints. The release loop's sleep deadline is capped by the next of these, so an
/// idle daemon wakes once a day for retention and, while ingest is stopped, at the retry
/// back-off (15 s doubling to 5 min): never a busy loop.
extension Engine {
    /// Index changes after which the checkpoint is rewritten (a restart then reads at
    /// most this many message files).
    static let checkpointAfterChanges = 50_000

    /// Whether a provider already holds a message, for recovery of `active/`: the
    /// provider's own witness (``Provider/handOverWitness(_:)``; the outbox is one, also
    /// when a debug switch wraps it), asked on the spool's thread.
    nonisolated static func handOverWitness(_ provider: any Provider) -> @Sendable (MessageID) -> Bool? {
        { id in provider.handOverWitness(id) }
    }

    /// `action`, with a sleep no longer than the next housekeeping deadline.
    func cappedByHousekeeping(_ action: ReleaseScheduler.Action) -> ReleaseScheduler.Action {
        var deadline = housekeepingSchedule.deadline
        if let settle = nextSettleCheck { deadline = min(deadline, settle) }
        switch action {
        case .sleep(let until): return .sleep(until: min(until, deadline))
        case .idle: return .sleep(until: deadline)
        default: return action
        }
    }

    /// Does what is due: a retention pass, a retry of stopped inputs, a checkpoint.
    /// Cheap when nothing is due (two date comparisons).
    func housekeeping() async {
        let now = clock.now
        if let settle = nextSettleCheck, settle <= now { await recheckSettling() }
        for work in housekeepingSchedule.due(now: now) {
            switch work {
            case .retryStoppedInputs: await retryStoppedInputs()
            case .prune: await prune(now: now)
            }
        }
        if changesSinceCheckpoint >= Self.checkpointAfterChanges, ingesting.isEmpty, quietFor(checkpointDuration, now: now) {
            await checkpoint()
        }
    }

    /// About how long writing the checkpoint holds the spool's thread (and so any release
    /// that needs it): 1 s per million messages, and at least one.
    var checkpointDuration: TimeInterval { max(1, Double(counts.values.reduce(0, +)) / 1_000_000) }

    /// Whether no release is due within `seconds` of `now`: a checkpoint written then
    /// delays none (a backlog going out at its pace defers it to a pause, a closed window,
    /// or the stop, which always writes one).
    func quietFor(_ seconds: TimeInterval, now: Date) -> Bool {
        guard let next = scheduler.nextReleaseTime(now: now) else { return true }
        return next.timeIntervalSince(now) > seconds
    }

    /// Writes the index checkpoint (at shutdown, and after many changes).
    func checkpoint() async {
        do {
            try await withSpool { try $0.checkpoint() }
        } catch {
            log(.spoolError, .warning, "cannot write the index checkpoint; the next start reads the message files",
                [LogKey.error: "\(error)"])
        }
    }

    func scheduleIngestRetry() {
        if housekeepingSchedule.ingestStopped(now: clock.now) != nil { sleeper.wake() }
    }

    func ingestSucceeded() {
        housekeepingSchedule.ingestSucceeded()
    }

    /// Ingests again every input left in `incoming/` by a spool error.
    private func retryStoppedInputs() async {
        let incoming = store.paths.incoming
        let names: [String]
        do {
            names = try await store.run { _ in try FileManager.default.contentsOfDirectory(atPath: incoming) }
        } catch {
            scheduleIngestRetry()
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = incoming + "/" + name
            guard !ingesting.contains(path) else { continue }
            await ingest(claimed: ClaimedInput(originalName: Self.originalName(ofClaimed: name), path: path))
        }
    }

    /// `<millis>-<n>-<name>` → `<name>` (the claim's naming, see `Spool.claim`), with a
    /// subdirectory's `/` restored.
    nonisolated static func originalName(ofClaimed claimed: String) -> String {
        Spool.inboxPath(ofClaimed: claimed)
    }

    private func prune(now: Date) async {
        let retention = TimeInterval(settings.config.spool.retention.components.seconds)
        let cutoff = now.addingTimeInterval(-retention)
        do {
            let ackDirectory = store.paths.root + "/ack"
            let references = self.references
            let report = try await withSpool { spool throws -> PruneReport in
                var report = try spool.prune(before: cutoff)
                // Receipts for pruned messages find nothing anyway; replies go with the retention.
                try references.compact { spool.entry($0) != nil }
                report.inputs += try ReplyLog.prune(directory: spool.paths.replies, before: cutoff)
                // HL7 ACK files (Engine+Inbox.swift) go with their archived inputs.
                for name in (try? FileOperations.listDirectory(ackDirectory)) ?? [] where name.hasSuffix(".ack") {
                    let path = ackDirectory + "/" + name
                    if let status = try FileOperations.fileStatus(path), status.kind == .regular, status.modified < cutoff.timeIntervalSince1970 {
                        try FileOperations.removeFile(path)
                        report.inputs += 1
                    }
                }
                return report
            }
            if report.messages + report.inputs > 0 {
                logger.info("spool pruned", metadata: [
                    LogKey.count: "\(report.messages)", "inputs": "\(report.inputs)",
                    "retention_days": "\(Int(retention / 86400))",
                ])
                statusChanged()
            }
        } catch {
            log(.spoolError, .error, "cannot prune the spool", [LogKey.error: "\(error)"])
        }
    }
}
