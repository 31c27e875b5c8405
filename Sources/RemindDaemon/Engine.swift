import Foundation
import Logging
import RemindConfig
import RemindCore
import RemindDelivery
import RemindInbox
import RemindRecipients
import RemindSchedule
import RemindSpool
import FileSystemKit
import SystemdKit

/// The daemon's state and the only door to the spool.
///
/// Every mutation of the scheduler, the counters or the spool goes through this actor;
/// the spool itself runs on `io`, a dedicated thread, so fsync and rename never block
/// Swift's cooperative pool. CPU work of an ingest (parsing, rendering) happens outside
/// the actor, in ``IngestPipeline``, and reaches it as a ready batch.
actor Engine {
    let io = BlockingIO(label: "remindd.spool")
    let spool: Spool
    let provider: any Provider
    let notifier: Notifier
    let logger: Logger
    let sleeper: WallClockSleeper
    /// Numbers never to text; loaded by ``recover()``, consulted at ingest and release.
    /// Thread-safe; add and remove do blocking I/O (call them on `io`).
    nonisolated let optOuts: OptOutList
    let startedAt = Date()
    private(set) var settings: RuntimeSettings
    private(set) var scheduler: ReleaseScheduler

    // Status and counters
    private var sentToday = 0
    private var failedToday = 0
    private var countingDay: LocalDate
    /// Current problems by area (`ingest`, `provider`, `backlog`), shown in STATUS=.
    var problems: [String: String] = [:]
    var backlogWarning: Bool { problems["backlog"] != nil }
    private var lastStatusLine = ""
    private var lastStatusSent = ContinuousClock.now - .seconds(10)
    private var statusDirty = false
    /// Messages per state, as the spool last reported.
    private var counts: [MessageState: Int] = [:]
    /// Set while a loop does work (not while it waits); the watchdog checks these.
    private var busySince: [String: ContinuousClock.Instant] = [:]
    /// Spool housekeeping (Engine+Spool.swift): the next retention pass, the next retry
    /// of inputs a spool error stopped, and the claimed inputs being ingested now.
    var nextPruneAt = Date().addingTimeInterval(60)
    var ingestRetryAt: Date?
    var ingestRetryDelay: TimeInterval = Engine.firstIngestRetry
    var ingesting: Set<String> = []

    init(settings: RuntimeSettings, provider: any Provider, notifier: Notifier, sleeper: WallClockSleeper, logger: Logger) {
        self.settings = settings
        self.spool = Spool(paths: settings.paths)
        self.provider = provider
        self.notifier = notifier
        self.logger = logger
        self.sleeper = sleeper
        self.optOuts = OptOutList(path: settings.paths.state + "/opt-out")
        self.scheduler = ReleaseScheduler(calendar: settings.calendar, stagger: settings.config.schedule.stagger, lastRelease: nil)
        self.countingDay = LocalDate(containing: Date(), in: settings.config.practice.timeZone)
    }

    // MARK: Start-up

    /// Prepares and recovers the spool, finishes interrupted ingests, and schedules
    /// everything pending. Returns the names waiting in the inbox (to ingest next).
    func recover() async throws {
        let policy = InterruptedPolicy(rawValue: settings.config.spool.interrupted) ?? .hold
        let tz = settings.config.practice.timeZone
        let today = LocalDate(containing: Date(), in: tz)
        let witness = Self.handOverWitness(provider)
        let notifier = self.notifier
        let optOuts = self.optOuts
        let calendar = settings.calendar
        let stagger = settings.config.schedule.stagger
        // The scheduler is filled on the spool's thread and handed over whole: no second
        // copy of a million pending entries on the way (the 300 MB start-up target).
        let (report, filled, sent, failed) = try await withSpool { spool in
            try spool.prepare()
            try optOuts.load()
            let report = try spool.recover(interrupted: policy, handedOver: witness) { _ in
                _ = try? notifier.extendTimeout(.seconds(30))
            }
            var scheduler = ReleaseScheduler(calendar: calendar, stagger: stagger, lastRelease: spool.lastRelease())
            spool.forEachPending { scheduler.insert(.init(id: $0.id, due: $0.due, expires: $0.expires, kind: $0.kind)) }
            var sent = 0, failed = 0
            spool.forEachEntry(in: [.sent, .failed]) { entry in
                if LocalDate(containing: entry.since, in: tz) == today { if entry.state == .sent { sent += 1 } else { failed += 1 } }
            }
            if spool.changesSinceCheckpoint >= Self.checkpointAfterChanges / 50 { try spool.checkpoint() }
            return (report, scheduler, sent, failed)
        }
        sentToday = sent
        failedToday = failed
        scheduler = filled
        for id in report.confirmedSent {
            log(.messageSent, .notice, "message was in flight when remindd stopped; the provider has it, recorded as sent",
                [LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "sent"])
        }
        for id in report.interrupted {
            log(.messageUncertain, .warning, "message was in flight when remindd stopped; moved aside for an operator",
                [LogKey.spoolID: "\(id)", LogKey.state: "\(policy == .hold ? "uncertain" : "queued")"])
        }
        for path in report.corrupt {
            log(.spoolError, .error, "unreadable message file moved to rejected/", [LogKey.path: "\(path)"])
        }
        logger.info("spool recovered", metadata: [
            LogKey.count: "\(report.pendingCount)",
            "from_checkpoint": "\(report.fromCheckpoint)",
            "files_read": "\(report.filesRead)",
            "interrupted": "\(report.interrupted.count)",
            "removed_temporary": "\(report.removedTemporary)",
            "unfinished_inputs": "\(report.unfinishedInputs.count)",
        ])
        for input in report.unfinishedInputs {
            await ingest(claimed: input)
        }
    }

    // MARK: Ingest

    /// Claims an inbox file and ingests it. Files that are not for us (dotfiles,
    /// `*.tmp`, `*.part`) and files that vanished are ignored.
    func ingest(inboxName name: String) async {
        guard InboxNames.isCandidate(name) else { return }
        let claimed: ClaimedInput?
        do {
            claimed = try await withSpool { try $0.claim(inboxName: name) }
        } catch {
            reportSpoolError(error, file: name)
            return
        }
        guard let claimed else { return }
        log(.inputClaimed, .debug, "inbox file claimed", [LogKey.inboxFile: "\(name)"])
        await ingest(claimed: claimed)
    }

    func ingest(claimed: ClaimedInput) async {
        guard ingesting.insert(claimed.path).inserted else { return }
        markBusy("inbox")
        defer { markIdle("inbox"); ingesting.remove(claimed.path) }
        await stallIfTriggered()
        let bytes: [UInt8]
        do {
            bytes = try await withSpool { try $0.read(claimed) }
        } catch {
            reportSpoolError(error, file: claimed.originalName)
            return
        }
        if OptOutImport.isOptOutFile(name: claimed.originalName) {
            await ingestOptOuts(claimed, bytes: bytes)
            return
        }
        let pipeline = settings.pipeline
        let prepared: PreparedInput
        switch pipeline.prepare(bytes, file: claimed.originalName, now: Date(), optOuts: optOuts) {
        case .failure(let error):
            do {
                try await withSpool { try $0.reject(claimed, reason: error.description) }
                log(.inputRejected, .warning, "inbox file rejected", [LogKey.inboxFile: "\(claimed.originalName)", LogKey.reason: "\(error.description)"])
            } catch {
                reportSpoolError(error, file: claimed.originalName)
            }
            return
        case .success(let p):
            prepared = p
        }
        for rejection in prepared.rejections {
            log(.rowRejected, .warning, "row rejected", [
                LogKey.inboxFile: "\(rejection.position.file)", LogKey.inboxLine: "\(rejection.position.line)",
                LogKey.reason: "\(rejection.reason)",
            ])
        }
        let candidates = prepared.candidates
        let withdrawals = prepared.withdrawals
        do {
            let (plan, queued) = try await withSpool { spool throws -> (IngestPlan, [SpoolEntry]) in
                let plan = spool.plan(candidates: candidates, withdraw: withdrawals)
                return (plan, try spool.commit(plan, input: claimed))
            }
            for (id, reason) in plan.cancel {
                _ = scheduler.remove(id)
                log(.messageCancelled, .notice, "message withdrawn", [LogKey.spoolID: "\(id)", LogKey.reason: "\(reason)", LogKey.state: "cancelled"])
            }
            for entry in queued {
                scheduler.insert(.init(id: entry.id, due: entry.due, expires: entry.expires, kind: entry.kind))
                if logger.logLevel <= .debug {
                    log(.messageQueued, .debug, "message queued", [LogKey.spoolID: "\(entry.id)", LogKey.due: "\(Timestamp.format(entry.due))", LogKey.kind: "\(entry.kind.rawValue)"])
                }
            }
            problems["ingest"] = nil
            checkBacklog()
            ingestSucceeded()
            log(.inputIngested, .info, "inbox file ingested", [
                LogKey.inboxFile: "\(claimed.originalName)", LogKey.count: "\(queued.count)",
                "rows_rejected": "\(prepared.rejections.count)", "unchanged": "\(plan.unchanged + plan.alreadyHandled)",
                "withdrawn": "\(plan.cancel.count)", "skipped": "\(prepared.skipped)",
            ])
            sleeper.wake()
            statusChanged()
        } catch {
            reportSpoolError(error, file: claimed.originalName)
        }
    }

    /// A file of numbers for the opt-out list (`optout*`, `*.optout`): the numbers are
    /// added (durably) before the file is archived, so a crash in between only repeats
    /// the additions, which change nothing the second time. Messages already queued for
    /// these numbers are cancelled when they come up for release.
    private func ingestOptOuts(_ claimed: ClaimedInput, bytes: [UInt8]) async {
        let parsed = OptOutImport.parse(bytes, file: claimed.originalName, normalizer: settings.pipeline.phones)
        for rejection in parsed.rejections {
            log(.rowRejected, .warning, "row rejected", [
                LogKey.inboxFile: "\(rejection.position.file)", LogKey.inboxLine: "\(rejection.position.line)",
                LogKey.reason: "\(rejection.reason)",
            ])
        }
        let optOuts = self.optOuts
        let numbers = parsed.numbers
        do {
            let added = try await withSpool { spool throws -> Int in
                let added = try optOuts.add(numbers, source: "inbox " + claimed.originalName)
                try spool.commit(IngestPlan(), input: claimed)
                return added
            }
            log(.inputIngested, .info, "opt-out file ingested", [
                LogKey.inboxFile: "\(claimed.originalName)", LogKey.count: "\(added)",
                "already_listed": "\(numbers.count - added)", "rows_rejected": "\(parsed.rejections.count)",
            ])
        } catch {
            reportSpoolError(error, file: claimed.originalName)
        }
    }

    private func reportSpoolError(_ error: any Error, file: String) {
        let diskFull = (error as? SpoolError)?.isDiskFull == true
        problems["ingest"] = diskFull ? "ingest stopped: disk full" : "ingest stopped: spool error"
        log(.spoolError, .error, diskFull ? "disk full; ingest stopped, the input stays where it is" : "spool error; the input stays where it is",
            [LogKey.inboxFile: "\(file)", LogKey.error: "\(error)"])
        scheduleIngestRetry()
        statusChanged()
    }

    // MARK: Release

    /// What the release loop should do now.
    func nextAction() -> ReleaseScheduler.Action {
        rollDay()
        let action = scheduler.nextAction(now: Date())
        if statusDirty {
            flushStatus()
            if statusDirty, case .sleep(let until) = action {
                return .sleep(until: min(until, Date().addingTimeInterval(1)))
            }
            if statusDirty, case .idle = action { return .sleep(until: Date().addingTimeInterval(1)) }
        }
        return cappedByHousekeeping(action)
    }

    func release(_ id: MessageID) async {
        markBusy("release")
        defer { markIdle("release") }
        let now = Date()
        let providerName = provider.name
        let optOuts = self.optOuts
        let message: SpoolMessage
        do {
            // An opted-out number is never texted, however long ago its message was queued.
            let prepared = try await withSpool { spool throws -> Result<SpoolMessage, OptedOut> in
                let recipient = try spool.message(id).recipient
                if optOuts.contains(recipient) {
                    try spool.transition(id, to: .cancelled, what: "cancelled", detail: "reason=\(IngestPipeline.optedOutReason)")
                    return .failure(OptedOut(recipient: recipient))
                }
                try spool.transition(id, to: .active, what: "active", detail: "provider=\(providerName)")
                // The stagger's memory across restarts; a full disk must not strand the message in active/.
                try? spool.recordRelease(now)
                return .success(try spool.message(id))
            }
            switch prepared {
            case .success(let m): message = m
            case .failure(let optedOut):
                log(.messageCancelled, .notice, "message cancelled: the recipient opted out", [
                    LogKey.spoolID: "\(id)", LogKey.state: "cancelled", LogKey.reason: "\(IngestPipeline.optedOutReason)",
                    LogKey.recipient: "\(PhoneMask.mask(optedOut.recipient))",
                ])
                statusChanged()
                return
            }
        } catch {
            scheduler.recordRelease(at: now)
            log(.spoolError, .error, "cannot move message to active/; it stays queued", [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
            return
        }
        scheduler.recordRelease(at: now)
        CrashPoint.hit("release.after-active")
        log(.messageReleased, .debug, "message released", [LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.recipient: "\(PhoneMask.mask(message.recipient))"])
        let outgoing = OutgoingMessage(id: id, recipient: message.recipient, text: message.text, encoding: message.encoding)
        do {
            let result = try await provider.send(outgoing)
            CrashPoint.hit("release.after-handover")
            try await withSpool { _ = try $0.transition(id, to: .sent, what: "sent", detail: "provider=\(providerName) reference=\(result.reference)") }
            sentToday += 1
            problems["provider"] = nil
            log(.messageSent, .info, "message sent", [
                LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "sent",
                LogKey.recipient: "\(PhoneMask.mask(message.recipient))", LogKey.kind: "\(message.kind.rawValue)",
            ])
        } catch let error as DeliveryError {
            await handleFailure(id, message: message, error: error)
        } catch {
            log(.spoolError, .error, "message sent but its result could not be recorded; it stays in active/ and becomes uncertain at restart",
                [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
        }
        statusChanged()
    }

    private func handleFailure(_ id: MessageID, message: SpoolMessage, error: DeliveryError) async {
        let attempts = message.events.filter { $0.what == "active" }.count + 1
        if error.code == .temporary, let retryAt = RetryPolicy.standard.nextAttempt(after: attempts, now: Date(), created: message.created),
           message.expires.map({ retryAt < $0 }) ?? true {
            do {
                try await withSpool { _ = try $0.transition(id, to: .deferred, what: "deferred", detail: "reason=\(error.message)", due: retryAt) }
                scheduler.insert(.init(id: id, due: retryAt, expires: message.expires, kind: message.kind))
                problems["provider"] = "provider \(provider.name) failing"
                log(.messageDeferred, .warning, "message deferred after a temporary failure", [
                    LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "deferred",
                    LogKey.reason: "\(error.message)", LogKey.due: "\(Timestamp.format(retryAt))",
                ])
            } catch {
                log(.spoolError, .error, "cannot defer message", [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
            }
        } else {
            do {
                try await withSpool { _ = try $0.transition(id, to: .failed, what: "failed", detail: "reason=\(error.message)") }
                failedToday += 1
                log(.messageFailed, .error, "message failed", [
                    LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "failed", LogKey.reason: "\(error.message)",
                ])
            } catch {
                log(.spoolError, .error, "cannot record failed message", [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
            }
        }
    }

    func expire(_ id: MessageID, reason: String) async {
        do {
            try await withSpool { _ = try $0.transition(id, to: .expired, what: "expired", detail: reason) }
            log(.messageExpired, .notice, "message expired unsent", [LogKey.spoolID: "\(id)", LogKey.state: "expired", LogKey.reason: "\(reason)"])
        } catch {
            log(.spoolError, .error, "cannot record expired message", [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
        }
        statusChanged()
    }

    // MARK: Reload

    /// Swaps in new settings; the caller has validated them. Returns why they were refused
    /// (settings that only a restart can apply), or nil when they are in force.
    func apply(_ new: RuntimeSettings) -> String? {
        var fixed: [String] = []
        if new.paths != settings.paths { fixed.append("spool.root or spool.inbox") }
        if new.config.provider != settings.config.provider { fixed.append("provider") }
        if new.config.control != settings.config.control { fixed.append("control.socket") }
        if !fixed.isEmpty {
            return fixed.joined(separator: ", ") + " changed: a restart is needed to apply it (systemctl restart remindd)"
        }
        problems["reload"] = nil
        settings = new
        scheduler.reconfigure(calendar: new.calendar, stagger: new.config.schedule.stagger)
        checkBacklog()
        sleeper.wake()
        statusChanged()
        return nil
    }

    func setProblem(_ area: String, _ text: String?) {
        guard problems[area] != text else { return }
        problems[area] = text
        statusChanged()
    }

    // MARK: Health

    func markBusy(_ loop: String) { busySince[loop] = .now }
    func markIdle(_ loop: String) { busySince[loop] = nil }

    /// The loop that has been busy longer than `limit`, if any.
    func stalledLoop(limit: Duration) -> String? {
        busySince.first { ContinuousClock.now - $0.value > limit }?.key
    }

    // MARK: Helpers

    /// Runs `body` with the spool on its I/O thread, and refreshes the state counts.
    func withSpool<T: Sendable>(_ body: @escaping @Sendable (Spool) throws -> T) async throws -> T {
        let spool = self.spool
        let (value, counts) = try await io.run { (try body(spool), spool.stateCounts) }
        self.counts = counts
        return value
    }

    func log(_ event: EventID, _ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata = [:]) {
        var m = metadata
        m[LogKey.messageID] = "\(event.rawValue)"
        logger.log(level: level, message, metadata: m)
    }

    private func rollDay() {
        let today = LocalDate(containing: Date(), in: settings.config.practice.timeZone)
        if today != countingDay {
            countingDay = today
            sentToday = 0
            failedToday = 0
            statusDirty = true
        }
    }

    // MARK: Status

    func statusChanged() {
        statusDirty = true
        flushStatus()
    }

    /// Sends STATUS= if it changed, at most once a second (the release loop flushes a
    /// deferred update).
    private func flushStatus() {
        let line = statusLine()
        guard line != lastStatusLine else { statusDirty = false; return }
        guard ContinuousClock.now - lastStatusSent >= .seconds(1) else { return }
        _ = try? notifier.status(line)
        lastStatusLine = line
        lastStatusSent = .now
        statusDirty = false
    }

    func statusLine() -> String {
        var parts = ["queued \(counts[.queued, default: 0] + counts[.deferred, default: 0])"]
        if let held = counts[.held], held > 0 { parts.append("held \(held)") }
        if let next = scheduler.nextReleaseTime(now: Date()) {
            parts.append("next \(Self.localTime(next, settings.config.practice.timeZone))")
        } else {
            parts.append("next -")
        }
        parts.append("sent today \(sentToday)")
        parts.append("failed today \(failedToday)")
        if let uncertain = counts[.uncertain], uncertain > 0 { parts.append("uncertain \(uncertain)") }
        var line = parts.joined(separator: ", ")
        if !problems.isEmpty { line += "; " + problems.keys.sorted().compactMap { problems[$0] }.joined(separator: "; ") }
        return line
    }

    func statusReport() -> StatusSnapshot {
        return StatusSnapshot(
            startedAt: startedAt,
            counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
            nextRelease: scheduler.nextReleaseTime(now: Date()),
            sentToday: sentToday, failedToday: failedToday,
            problem: problems.isEmpty ? nil : problems.keys.sorted().compactMap { problems[$0] }.joined(separator: "; "),
            line: statusLine())
    }

    static func localTime(_ date: Date, _ tz: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = tz
        f.dateFormat = Calendar.current.isDate(date, inSameDayAs: Date()) ? "HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}

/// A message's recipient found on the opt-out list at release.
struct OptedOut: Error {
    let recipient: String
}

/// A copy of the daemon's status for the control socket.
struct StatusSnapshot: Sendable {
    var startedAt: Date
    var counts: [String: Int]
    var nextRelease: Date?
    var sentToday: Int
    var failedToday: Int
    var problem: String?
    var line: String
}
