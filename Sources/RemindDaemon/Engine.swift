import Foundation
import Logging
import RemindAssembly
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
/// the spool itself lives in a ``SpoolStore`` on a thread of its own, so fsync and rename never block
/// Swift's cooperative pool. An ingest's reading, parsing and rendering run on the
/// ``Ingestor``'s own thread, and reach this actor one prepared piece at a time
/// (``commit(_:source:input:archive:ack:)``), so a large export never holds it for long.
actor Engine {
    /// The spool's owner; every spool call runs on its I/O thread (``withSpool(_:)``).
    let store: SpoolStore
    let provider: any Provider
    let notifier: Notifier
    let logger: Logger
    /// The one wall clock every decision reads (the system's, or a test's manual clock).
    nonisolated let clock: any WallClock
    /// What the delivery loop sleeps on (a timerfd, or the manual clock).
    nonisolated let sleeper: any Sleeper
    /// Numbers never to text; loaded by ``recover()``, consulted at ingest and release.
    /// Thread-safe; add and remove do blocking I/O (call them on the spool's thread, through ``withSpool(_:)``).
    nonisolated let optOuts: OptOutList
    /// Reads, parses and renders inputs on its own thread (Ingestor.swift).
    let ingestor = Ingestor(pieceSize: DebugSwitches.current.ingestPiece ?? Ingestor.defaultPieceSize)
    /// Gateway reference → message, and number → latest message (Engine+Gateway.swift);
    /// loaded by ``recover()``, written when a message is recorded sent. Blocking I/O: on
    /// the spool's thread.
    nonisolated let references: ReferenceIndex
    let startedAt: Date
    private(set) var settings: Assembly
    /// The release decisions over the messages due within the next hour (and any already
    /// due); the spool's index has the rest until the horizon reaches them (Engine+Delivery.swift).
    var scheduler: ReleaseHorizon
    /// The daily limit's counts and the release mark to give back (Engine+Recipients.swift).
    var recipientGate: RecipientGate

    // Status and counters
    var sentToday = 0
    var failedToday = 0
    private var countingDay: LocalDate
    /// Current problems by area (`ingest`, `provider`, `backlog`), shown in STATUS=.
    var problems: [String: String] = [:]
    /// Whether the gateway's balance is below `low_balance` now (its warning logged once).
    var creditLow = false
    var backlogWarning: Bool { problems["backlog"] != nil }
    /// A release or expiry happened while the backlog warning stood: look again once the
    /// loop has nothing to do now, so the warning clears when it no longer holds.
    var backlogStale = false
    /// When STATUS= is sent: changed lines, at most once a second (``StatusThrottle``).
    var status = StatusThrottle()
    /// A STATUS= change not yet sent (the release loop flushes it, Engine+Delivery.swift).
    var statusDirty: Bool { status.pending }
    /// Messages per state, as the spool last reported.
    private(set) var counts: [MessageState: Int] = [:]
    /// The spool's changes since its last checkpoint, as it last reported (``withSpool(_:)``).
    private(set) var changesSinceCheckpoint = 0
    /// Which loop does work since when (not while it waits); the watchdog checks it (``LoopHealth``).
    private var loops = LoopHealth()
    /// Spool housekeeping (Engine+Spool.swift): when the retention pass and the retry of
    /// inputs a spool error stopped are due (``HousekeepingSchedule``), and the claimed
    /// inputs being ingested now.
    var housekeepingSchedule: HousekeepingSchedule
    var ingesting: Set<String> = []
    /// Inputs held in `incoming/` by a configuration problem, by claimed path: read again
    /// after a reload (``retryHeldInputs()``).
    var heldInputs: [String: ClaimedInput] = [:]
    /// Inbox hygiene (Engine+Inbox.swift): files waiting to settle (``InboxSettling``);
    /// rows and files rejected since start.
    var settling = InboxSettling()
    var rowsRejected = 0
    /// Rejected rows logged one by one so far, per input being read (by its path in
    /// `incoming/`): at most ``rowRejectionsLogged`` each, the rest counted in one line.
    var rejectionsLogged: [String: Int] = [:]
    /// How many rejected rows of one input are logged one by one (a file of garbage, or a
    /// quote left open over half a million lines, must not flood the journal).
    static let rowRejectionsLogged = 100
    var filesRejected = 0
    /// Gateway events (Engine+Gateway.swift): the link as last reported, and receipts whose
    /// reference no message has (logged once an hour, counted in between).
    var link: LinkState?
    var unknownReceipts = UnknownReceipts()
    /// Hand-overs begun and not yet finished (Engine+Delivery.swift).
    var handOversInFlight = 0
    /// Releases paused by a spool failure (a full disk, too many open files), and the
    /// episode's count (Engine+Delivery.swift).
    var releasePause = ReleasePause()
    /// Shutdown has begun (STOPPING=1): no release begins any more.
    private(set) var stopping = false

    func beginStopping() {
        stopping = true
        sleeper.wake()
    }
    /// Receipts that overtook the recording of their own hand-over's answer, by
    /// reference; applied when it is recorded sent (Engine+Gateway.swift).
    var earlyReceipts: [String: EarlyReceipt] = [:]

    init(settings: Assembly, provider: any Provider, notifier: Notifier, sleeper: any Sleeper, logger: Logger,
         clock: any WallClock = SystemClock()) {
        self.settings = settings
        self.store = SpoolStore(paths: settings.paths, clock: { clock.now })
        self.provider = provider
        self.notifier = notifier
        self.logger = logger
        self.clock = clock
        self.sleeper = sleeper
        self.optOuts = OptOutList(path: settings.paths.state + "/opt-out")
        self.references = ReferenceIndex(path: settings.paths.references)
        let now = clock.now
        self.scheduler = ReleaseHorizon(
            scheduler: ReleaseScheduler(calendar: settings.calendar, stagger: settings.config.schedule.stagger, lastRelease: nil),
            boundary: now.addingTimeInterval(ReleaseHorizon.defaultSpan), earliestBeyond: nil)
        self.startedAt = now
        self.housekeepingSchedule = HousekeepingSchedule(start: now)
        self.countingDay = LocalDate(containing: now, in: settings.config.practice.timeZone)
        self.recipientGate = RecipientGate(perDay: settings.config.recipients.dailyLimit, timeZone: settings.config.practice.timeZone)
    }

    // MARK: Start-up

    /// Prepares and recovers the spool, finishes interrupted ingests, and schedules
    /// everything pending. Returns the names waiting in the inbox (to ingest next).
    func recover() async throws {
        let policy = settings.config.spool.interrupted
        let tz = settings.config.practice.timeZone
        let today = LocalDate(containing: clock.now, in: tz)
        let witness = Self.handOverWitness(provider)
        let notifier = self.notifier
        let optOuts = self.optOuts
        let references = self.references
        let calendar = settings.calendar
        let stagger = settings.config.schedule.stagger
        // The scheduler is filled on the spool's thread and handed over whole, with the
        // messages due within the horizon only; the index keeps the rest.
        let boundary = clock.now.addingTimeInterval(ReleaseHorizon.defaultSpan)
        let (report, filled, sent, failed) = try await withSpool { spool in
            try spool.prepare()
            try optOuts.load()
            try references.load()
            let report = try spool.recover(interrupted: policy, handedOver: witness) { _ in
                _ = try? notifier.extendTimeout(.seconds(30))
            }
            var scheduler = ReleaseScheduler(calendar: calendar, stagger: stagger, lastRelease: spool.lastRelease())
            let (held, beyond) = spool.pendingTimes(keysIn: Date.distantPast..<boundary)
            for t in held { scheduler.insert(ReleaseScheduler.Entry(t)) }
            let horizon = ReleaseHorizon(scheduler: scheduler, boundary: boundary, earliestBeyond: beyond)
            var sent = 0, failed = 0
            spool.forEachEntry(in: [.sent, .failed]) { entry in
                if LocalDate(containing: entry.since, in: tz) == today { if entry.state == .sent { sent += 1 } else { failed += 1 } }
            }
            if spool.changesSinceCheckpoint >= Self.checkpointAfterChanges / 50 { try spool.checkpoint() }
            return (report, horizon, sent, failed)
        }
        sentToday = sent
        failedToday = failed
        scheduler = filled
        try await rebuildDailyCounts()
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

    func ingest(claimed: ClaimedInput) async {
        guard ingesting.insert(claimed.path).inserted else { return }
        markBusy("inbox")
        defer { markIdle("inbox"); ingesting.remove(claimed.path) }
        await stallIfTriggered()
        let maxSize = settings.config.inbox.maxSize
        do {
            // Looked at again in incoming/ (ours alone): nothing but a regular file within the
            // limit is ever opened, whatever replaced the inbox entry after its first look.
            let refusal = try await withSpool { _ throws -> InboxRefusal? in
                guard let status = try? FileOperations.fileStatus(claimed.path) else { return InboxRefusal(reason: nil) }
                return Self.refusal(status, maxSize: maxSize).map { InboxRefusal(reason: $0) }
            }
            if let refusal {
                if let reason = refusal.reason { await refuse(claimed, reason: reason) }
                return
            }
        } catch {
            reportSpoolError(error, file: claimed.originalName)
            return
        }
        if !claimed.originalName.contains("/"), OptOutImport.isOptOutFile(name: claimed.originalName) {
            let bytes: [UInt8]
            do {
                bytes = try await withSpool { try $0.read(claimed, limit: maxSize) }
            } catch {
                reportSpoolError(error, file: claimed.originalName)
                return
            }
            await ingestOptOuts(claimed, bytes: bytes)
            return
        }
        // Routed as `remindctl preview` routes a file (Assembly.route).
        guard let (source, pipeline) = settings.route(inboxPath: claimed.originalName) else {
            await refuse(claimed, reason: "no source reads \(claimed.originalName): no [[source]] names its subdirectory or matches its name")
            return
        }
        // Reading, parsing and rendering run on the ingestor's own thread; this actor is
        // free meanwhile (releases, remindctl, the watchdog) and is visited once a piece.
        let outcome = await ingestor.ingest(
            claimed, pipeline: pipeline, source: source.name, now: clock.now, optOuts: optOuts,
            ackPath: settings.paths.root + "/ack/" + Self.ackName(claimed), maxSize: maxSize, engine: self)
        switch outcome {
        case .refused(let reason):
            await refuse(claimed, reason: reason)
        case .failed(let error, _):
            reportSpoolError(error, file: claimed.originalName)
        case .held(let problem, _):
            heldInputs[claimed.path] = claimed
            problems["config"] = "inbox file held: a configuration problem; mend it and reload"
            log(.inputHeld, .error, "inbox file held in incoming/: a row failed for a configuration reason; mend it and run systemctl reload", [
                LogKey.inboxFile: "\(claimed.originalName)", LogKey.inboxLine: "\(problem.position.line)",
                LogKey.reason: "\(problem.reason)",
            ])
            statusChanged()
        case .interrupted(let summary):
            logger.notice("ingest interrupted by shutdown; the input stays claimed and is read again at the next start", metadata: [
                LogKey.inboxFile: "\(claimed.originalName)", LogKey.count: "\(summary.queued)", "pieces": "\(summary.pieces)",
            ])
        case .done(let summary):
            problems["ingest"] = nil
            heldInputs[claimed.path] = nil
            if heldInputs.isEmpty { problems["config"] = nil }
            await checkBacklog()
            ingestSucceeded()
            log(.inputIngested, .info, "inbox file ingested", [
                LogKey.inboxFile: "\(claimed.originalName)", LogKey.count: "\(summary.queued)",
                "rows_rejected": "\(summary.rejected)", "unchanged": "\(summary.unchanged)",
                "withdrawn": "\(summary.withdrawn)", "skipped": "\(summary.skipped)", "superseded": "\(summary.superseded)",
            ])
            statusChanged()
        }
    }

    /// What one committed piece of an input did.
    struct PieceResult: Sendable {
        var queued = 0
        var rejected = 0
        var unchanged = 0
        var withdrawn = 0
    }

    /// Makes one prepared piece of an input durable (one group commit; the input archived
    /// with it when `archive`), then schedules its messages and logs its rejected rows and
    /// withdrawals. Called by the ``Ingestor`` once a piece; short, so releases and
    /// remindctl wait for at most one piece's commit.
    func commit(
        _ prepared: PreparedInput, source sourceName: String, input claimed: ClaimedInput, archive: Bool,
        ack: AcknowledgementWrite?
    ) async throws -> PieceResult {
        let logged = rejectionsLogged[claimed.path, default: 0]
        for rejection in prepared.rejections.prefix(max(0, Self.rowRejectionsLogged - logged)) {
            log(.rowRejected, .warning, "row rejected", [
                LogKey.inboxFile: "\(rejection.position.file)", LogKey.inboxLine: "\(rejection.position.line)",
                LogKey.reason: "\(rejection.reason)",
            ])
        }
        rejectionsLogged[claimed.path] = logged + prepared.rejections.count
        if archive, let total = rejectionsLogged.removeValue(forKey: claimed.path), total > Self.rowRejectionsLogged {
            log(.rowRejected, .warning, "more rows rejected than are logged one by one", [
                LogKey.inboxFile: "\(claimed.originalName)", LogKey.count: "\(total - Self.rowRejectionsLogged)",
                LogKey.reason: "only the first \(Self.rowRejectionsLogged) rejected rows of a file are logged; the file is kept in archive/",
            ])
        }
        rowsRejected += prepared.rejections.count
        for accepted in prepared.acceptedWithoutReminder {
            // The reason an HL7 ACK of AA carries in MSA-3; rejected rows are logged above.
            logger.info("HL7 message accepted without a reminder", metadata: [
                LogKey.inboxFile: "\(accepted.position.file)", LogKey.inboxLine: "\(accepted.position.line)",
                LogKey.reason: "\(accepted.reason)",
            ])
        }
        for several in prepared.severalNumbers {
            log(.severalNumbers, .notice, "the phone field held several numbers; the first mobile is texted", [
                LogKey.inboxFile: "\(several.position.file)", LogKey.inboxLine: "\(several.position.line)",
                LogKey.recipient: "\(PhoneMask.mask(several.chosen))", "others": "\(several.maskedOthers)",
            ])
        }
        if prepared.cleanedRows > 0 {
            // Debug only, and no values: which characters went from which patient's field is preview's to show.
            logger.debug("control characters removed from field values", metadata: [
                LogKey.inboxFile: "\(claimed.originalName)", LogKey.count: "\(prepared.cleanedRows)",
            ])
        }
        // The ingest makes progress: the watchdog's stall check measures one piece, not the file.
        markBusy("inbox")
        var result = PieceResult(rejected: prepared.rejections.count)
        let candidates = prepared.candidates
        let withdrawals = prepared.withdrawals
        let snapshot = prepared.snapshot
        guard archive || !candidates.isEmpty || !withdrawals.isEmpty || ack != nil else { return result }
        let (plan, queued) = try await withSpool { spool throws -> (IngestPlan, [SpoolEntry]) in
            // Broadcasts at once and private messages are known by their key alone.
            var keyedOnlyKnown = 0
            let fresh = !candidates.contains(where: ListPipeline.isKeyedOnly) ? candidates : candidates.filter {
                guard ListPipeline.isKeyedOnly($0), spool.entry(forKey: $0.key) != nil else { return true }
                keyedOnlyKnown += 1
                return false
            }
            var withdraw = withdrawals
            if let snapshot {
                for key in spool.pendingKeys(source: sourceName, appointmentStartIn: snapshot.range) where !snapshot.listed.contains(key.recordID) {
                    withdraw.append((key, SnapshotCover.reason))
                }
            }
            if let ack { try Self.writeAcknowledgement(ack) }
            var plan = spool.plan(candidates: fresh, withdraw: withdraw)
            plan.unchanged += keyedOnlyKnown
            return (plan, try spool.commit(plan, input: archive ? claimed : nil))
        }
        for (id, reason) in plan.cancel {
            _ = scheduler.remove(id)
            log(.messageCancelled, .notice, "message withdrawn", [LogKey.spoolID: "\(id)", LogKey.reason: "\(reason)", LogKey.state: "cancelled"])
        }
        for entry in queued {
            scheduler.insert(ReleaseScheduler.Entry(entry))
            if logger.logLevel <= .debug {
                log(.messageQueued, .debug, "message queued", [LogKey.spoolID: "\(entry.id)", LogKey.due: "\(Timestamp.format(entry.due))", LogKey.kind: "\(entry.kind.rawValue)"])
            }
        }
        result.queued = queued.count
        result.unchanged = plan.unchanged + plan.alreadyHandled
        result.withdrawn = plan.cancel.count
        if !queued.isEmpty || !plan.cancel.isEmpty {
            sleeper.wake()
            statusChanged()
        }
        return result
    }

    /// A file of numbers for the opt-out list (`optout*`, `*.optout`): the numbers are
    /// added (durably) before the file is archived, so a crash in between only repeats
    /// the additions, which change nothing the second time. Messages already queued for
    /// these numbers are cancelled when they come up for release.
    private func ingestOptOuts(_ claimed: ClaimedInput, bytes: [UInt8]) async {
        let parsed = OptOutImport.parse(bytes, file: claimed.originalName, normalizer: settings.phones)
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

    func reportSpoolError(_ error: any Error, file: String) {
        let diskFull = (error as? SpoolError)?.isDiskFull == true
        problems["ingest"] = "ingest stopped: \((error as? SpoolError)?.trouble ?? "spool error")"
        log(.spoolError, .error, diskFull ? "disk full; ingest stopped, the input stays where it is" : "spool error; the input stays where it is",
            [LogKey.inboxFile: "\(file)", LogKey.error: "\(error)"])
        scheduleIngestRetry()
        statusChanged()
    }

    // MARK: Reload

    /// Swaps in new settings; the caller has validated them. Returns why they were refused
    /// (settings that only a restart can apply), or nil when they are in force.
    func apply(_ new: Assembly) async -> String? {
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
        await checkBacklog()
        sleeper.wake()
        statusChanged()
        return nil
    }

    /// Reads again every input a configuration problem held in `incoming/` (after a reload).
    func retryHeldInputs() async {
        let held = heldInputs.values.sorted { $0.path < $1.path }
        for claimed in held { await ingest(claimed: claimed) }
    }

    /// Sets (or clears, with nil) the STATUS= note of `area`. A note held back by the
    /// once-a-second throttle wakes the release loop, which caps its sleep at a second while
    /// a line is pending: notes come from outside it too (the balance monitor, the link), and
    /// an idle loop asleep until the next release would otherwise keep the note from systemd.
    func setProblem(_ area: String, _ text: String?) {
        guard problems[area] != text else { return }
        problems[area] = text
        statusChanged()
        if statusDirty { sleeper.wake() }
    }

    // MARK: Health

    func markBusy(_ loop: String) { loops.busy(loop, at: .now) }
    func markIdle(_ loop: String) { loops.idle(loop) }

    /// The watchdog's check: ping, or report a loop busy longer than `limit` (once), or withhold.
    func watchdogCheck(limit: Duration) -> LoopHealth.Action {
        loops.check(limit: limit, now: .now)
    }

    // MARK: Helpers

    /// Runs `body` with the spool on its I/O thread, and refreshes the state counts.
    func withSpool<T: Sendable>(_ body: @escaping @Sendable (Spool) throws -> T) async throws -> T {
        let (value, counts, changes) = try await store.run { spool in (try body(spool), spool.stateCounts, spool.changesSinceCheckpoint) }
        self.counts = counts
        changesSinceCheckpoint = changes
        return value
    }

    func log(_ event: EventID, _ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata = [:]) {
        var m = metadata
        m[LogKey.messageID] = "\(event.rawValue)"
        logger.log(level: level, message, metadata: m)
    }

    func rollDay() {
        let now = clock.now
        let today = LocalDate(containing: now, in: settings.config.practice.timeZone)
        if today != countingDay {
            countingDay = today
            forgetPastDays(now: now)
            sentToday = 0
            failedToday = 0
            status.changed()
        }
    }

    // MARK: Status

    func statusChanged() {
        status.changed()
        flushStatus()
    }

    /// Sends STATUS= if it changed, at most once a second (the release loop flushes a
    /// deferred update).
    func flushStatus() {
        if case .send(let line) = status.offer(statusLine(), now: clock.now) { _ = try? notifier.status(line) }
    }

    func statusLine() -> String {
        var parts = ["queued \(counts[.queued, default: 0] + counts[.deferred, default: 0])"]
        if let held = counts[.held], held > 0 { parts.append("held \(held)") }
        let now = clock.now
        if let next = scheduler.nextReleaseTime(now: now) {
            parts.append("next \(Self.localTime(next, settings.config.practice.timeZone, now: now))")
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
            nextRelease: scheduler.nextReleaseTime(now: clock.now),
            sentToday: sentToday, failedToday: failedToday,
            problem: problems.isEmpty ? nil : problems.keys.sorted().compactMap { problems[$0] }.joined(separator: "; "),
            line: statusLine(), rowsRejected: rowsRejected, filesRejected: filesRejected, link: link.map { "\($0)" })
    }

    static func localTime(_ date: Date, _ tz: TimeZone, now: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = tz
        f.dateFormat = Calendar.current.isDate(date, inSameDayAs: now) ? "HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}

/// Why a claimed input is not read (nil: it vanished).
struct InboxRefusal: Error {
    let reason: String?
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
    /// Rows and whole files rejected since start.
    var rowsRejected = 0
    var filesRejected = 0
    /// The gateway link as last reported (`up`, `down: …`, `refused: …`); nil when the
    /// provider reports none.
    var link: String?
}
