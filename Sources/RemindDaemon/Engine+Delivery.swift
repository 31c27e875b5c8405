import FileSystemKit
import Foundation
import Logging
import RemindAssembly
import RemindCore
import RemindDelivery
import RemindRecipients
import RemindSchedule
import RemindSpool

/// One message between its release (durably in `active/`) and its recorded answer.
struct HandOver: Sendable {
    var message: OutgoingMessage
    var kind: MessageKind
    /// What its expiry stands for (kept when it is deferred).
    var expiryCause: ExpiryCause
    /// When it was released (the daily count's time).
    var releasedAt: Date
    /// What ``HandOverDecision`` needs: hand-overs so far (this one included), creation, expiry.
    var facts: HandOverDecision.Message
}

/// The engine's half of delivery: which message goes now (``nextAction()``), its release
/// into `active/` (``beginRelease(_:)``), and what its provider's answer does to it
/// (``finishRelease(_:answer:)``, by the rules of ``HandOverDecision``). The
/// ``DeliveryService`` calls these, keeping up to `provider.concurrency` hand-overs in
/// flight between begin and finish; ``release(_:)`` does all three in one go.
///
/// Between begin and finish the message is in `active/`: a crash there leaves it to
/// recovery's `interrupted` rule (uncertain, or queued again), never sent twice silently.
extension Engine {
    /// What the release loop should do now.
    func nextAction() async -> ReleaseScheduler.Action {
        rollDay()
        var now = clock.now
        if scheduler.fetchDue(now: now) {
            await moveHorizon(now: now)
            now = clock.now
        }
        // Stopping: nothing more is released (the delivery loop ends once it is told).
        if stopping { return .sleep(until: now.addingTimeInterval(3600)) }
        // The spool could not move a message out of queued/ a moment ago: wait, then try again.
        if let until = releasePause.until, releasePause.isPaused(now: now) {
            if statusDirty { flushStatus() }
            return cappedByHousekeeping(.sleep(until: statusDirty ? min(until, now.addingTimeInterval(1)) : until))
        }
        let mark = scheduler.lastRelease
        let action = scheduler.nextAction(now: now)
        switch action {
        case .release, .expire:
            if backlogWarning { backlogStale = true }
        default:
            if backlogStale {
                backlogStale = false
                await checkBacklog()
            }
        }
        if case .release(let id) = action {
            recipientGate.markBeforeRelease = mark
            // The gateway's link is down or refused: the message stays queued (no attempt
            // spent) until the provider reports the link up, which wakes this loop.
            if linkHoldsReleases {
                await putBack(id)
                if statusDirty { flushStatus() }
                return cappedByHousekeeping(.sleep(until: now.addingTimeInterval(statusDirty ? 1 : 3600)))
            }
        }
        if statusDirty {
            flushStatus()
            if statusDirty, case .sleep(let until) = action {
                return .sleep(until: min(until, now.addingTimeInterval(1)))
            }
            if statusDirty, case .idle = action { return .sleep(until: now.addingTimeInterval(1)) }
        }
        return cappedByHousekeeping(action)
    }

    /// Whether releases wait for the gateway's link: it was reported down or refused and
    /// not up since. Before the first report (the provider is connecting) they go, and a
    /// provider that has no link never reports one.
    var linkHoldsReleases: Bool {
        switch link {
        case .down?, .refused?: true
        case .up?, nil: false
        }
    }

    /// The spool could not move a message chosen for release out of `queued/`: it goes
    /// back into the schedule at its own time (nothing is stranded until a restart), the
    /// rate slot is given back, and releases pause (``ReleasePause``: 15 s doubling to
    /// 5 min). The journal has one line per episode, with the cause; STATUS= names it.
    func releaseFailed(_ id: MessageID, _ error: any Error, now: Date) async {
        await putBack(id)
        let cause = (error as? SpoolError)?.trouble ?? "spool error"
        if releasePause.failed(cause: cause, now: now) {
            log(.spoolError, .error, "cannot move a message out of queued/; releases pause and are tried again by themselves", [
                LogKey.spoolID: "\(id)", LogKey.error: "\(error)", LogKey.reason: "\(cause)",
                "retry_at": "\(Timestamp.format(releasePause.until ?? now))",
            ])
        }
        setProblem("release", "release paused: \(cause)")
        sleeper.wake()
    }

    /// Moves the scheduler's horizon: reads the messages it now reaches from the spool's
    /// index (on the spool's thread; inserts and withdrawals meanwhile win over what the
    /// read found, see ``ReleaseHorizon``). A failed read is tried again in a minute.
    func moveHorizon(now: Date) async {
        let range = scheduler.beginFetch(now: now)
        do {
            let (times, beyond) = try await withSpool { $0.pendingTimes(keysIn: range) }
            scheduler.finishFetch(times.map(ReleaseScheduler.Entry.init), earliestBeyond: beyond)
        } catch {
            scheduler.abandonFetch(retryAt: now.addingTimeInterval(60))
            log(.spoolError, .error, "cannot read the spool's index for the next hour's messages; trying again in a minute",
                [LogKey.error: "\(error)"])
        }
    }

    /// Every pending message as the release loop will see it: those the scheduler holds,
    /// and those past its horizon as the index has them (for tests and reports).
    func scheduledEntries() async throws -> [ReleaseScheduler.Entry] {
        let from = scheduler.boundary
        let beyond = try await withSpool { $0.pendingTimes(keysIn: from..<Date.distantFuture).times }
        let held = scheduler.heldEntries
        let heldIDs = Set(held.map(\.id))
        return held + beyond.filter { !heldIDs.contains($0.id) }.map(ReleaseScheduler.Entry.init)
    }

    /// A message ``nextAction()`` chose but that is not released after all: the rate slot
    /// is given back and, if the spool still has it pending, it is scheduled again at its
    /// own time.
    func putBack(_ id: MessageID) async {
        scheduler.undoRelease(restoring: recipientGate.markBeforeRelease)
        if let entry = try? await withSpool({ $0.entry(id) }), entry.state == .queued || entry.state == .deferred {
            scheduler.insert(ReleaseScheduler.Entry(entry))
        }
    }

    /// Releases and hands over one message, and records the answer: the three steps of the
    /// delivery service done in one go (one hand-over at a time).
    func release(_ id: MessageID) async {
        guard let handOver = await beginRelease(id) else { return }
        let answer: Result<DeliveryResult, DeliveryError>
        do throws(DeliveryError) { answer = .success(try await provider.send(handOver.message)) } catch { answer = .failure(error) }
        await finishRelease(handOver, answer: answer)
    }

    /// Moves a message chosen by ``nextAction()`` to `active/` (durable) and returns what
    /// to hand over; nil when it is withheld (opted out, over its daily limit), no longer
    /// releasable (held, cancelled since), or the spool refused the move.
    func beginRelease(_ id: MessageID) async -> HandOver? {
        if stopping {  // chosen just before STOPPING=1: it stays queued
            await putBack(id)
            return nil
        }
        markBusy("release")
        defer { markIdle("release") }
        let now = clock.now
        let providerName = provider.name
        let provider = self.provider
        let optOuts = self.optOuts
        let limit = recipientGate.limit
        let calendar = settings.calendar
        let message: SpoolMessage
        do {
            // An opted-out number is never texted, however long ago its message was queued;
            // one that had its daily limit waits (Engine+Recipients.swift).
            let prepared = try await withSpool { spool throws -> Result<SpoolMessage, Withheld> in
                try Engine.checkReleasable(spool, id)  // held or cancelled since it was chosen (Engine+Operator.swift)
                let queued = try spool.message(id)
                let recipient = queued.recipient
                if optOuts.contains(recipient) {
                    try spool.transition(id, to: .cancelled, what: "cancelled", detail: "reason=\(IngestPipeline.optedOutReason)")
                    return .failure(.optedOut(recipient: recipient))
                }
                if let withheld = try Engine.applyDailyLimit(spool, queued, limit: limit, calendar: calendar, now: now) {
                    return .failure(withheld)
                }
                // The provider's witness first (the outbox's staged file), then active/.
                do {
                    try provider.stage(OutgoingMessage(
                        id: id, recipient: recipient, text: queued.text, encoding: queued.encoding, segments: queued.segments))
                } catch let error as FileSystemError {
                    throw SpoolError(code: .fileSystem, message: "cannot stage the message for \(providerName)", path: error.path, cause: error)
                }
                try spool.transition(id, to: .active, what: "active", detail: "provider=\(providerName)")
                // The stagger's memory across restarts; a full disk must not strand the message in active/.
                try? spool.recordRelease(now)
                return .success(try spool.message(id))
            }
            switch prepared {
            case .success(let m): message = m
            case .failure(let withheld):
                withhold(id, withheld)
                return nil
            }
        } catch is NotReleasable {
            scheduler.undoRelease(restoring: recipientGate.markBeforeRelease)
            return nil
        } catch {
            await releaseFailed(id, error, now: now)
            return nil
        }
        if let failures = releasePause.succeeded() {
            log(.spoolError, .notice, "releases resumed: the spool moves messages out of queued/ again", [LogKey.count: "\(failures)"])
            setProblem("release", nil)
        }
        scheduler.recordRelease(at: now)
        if recipientGate.limit.perDay > 0 { recipientGate.limit.record(message.recipient, at: now) }
        handOversInFlight += 1
        CrashPoint.hit("release.after-active")
        log(.messageReleased, .debug, "message released", [LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.recipient: "\(PhoneMask.mask(message.recipient))"])
        return HandOver(
            message: OutgoingMessage(id: id, recipient: message.recipient, text: message.text, encoding: message.encoding, segments: message.segments),
            kind: message.kind, expiryCause: message.cause, releasedAt: now,
            facts: .init(attempts: Self.attempts(message.events), created: message.created, expires: message.expires))
    }

    /// Hand-overs that count as attempts: every `active` line but those a `requeued` line
    /// undid (the gateway's link was down or refused: nothing reached it).
    static func attempts(_ events: [SpoolEvent]) -> Int {
        max(0, events.filter { $0.what == "active" }.count - events.filter { $0.what == Self.requeuedEvent }.count)
    }

    /// Records the provider's answer to a hand-over begun by ``beginRelease(_:)``, by the
    /// rules of ``HandOverDecision``.
    func finishRelease(_ handOver: HandOver, answer: Result<DeliveryResult, DeliveryError>) async {
        markBusy("release")
        defer { markIdle("release") }
        // In flight until its answer is recorded: a receipt that overtakes the recording (a
        // fast gateway, Kannel on loopback) while this awaits the spool is kept as early,
        // not dropped as unknown.
        defer { handOversInFlight -= 1 }
        if case .success = answer { CrashPoint.hit("release.after-handover") }
        let decided: HandOverDecision.Answer = switch answer {
        case .success(let result): .accepted(reference: result.reference)
        case .failure(let e) where e.code == .uncertain: .uncertain(reason: e.message)
        case .failure(let e) where e.code == .temporary:
            .temporary(reason: e.message, notBefore: e.retryAfter.map { clock.now.addingTimeInterval(TimeInterval($0.components.seconds)) })
        case .failure(let e) where e.code == .notSent: .notSent(reason: e.message)
        case .failure(let e): .permanent(reason: e.message)
        }
        let id = handOver.message.id
        for action in HandOverDecision().decide(decided, for: handOver.facts, now: clock.now) {
            switch action {
            case .recordSent(let reference):
                await recordSent(handOver, reference: reference, parts: (try? answer.get())?.partReferences ?? [])
            case .deferUntil(let retryAt, let reason):
                await recordDeferred(handOver, until: retryAt, reason: reason)
            case .fail(let reason):
                await recordFailed(id, reason: reason)
            case .setAside(let reason):
                await recordUncertain(handOver, reason: reason)
            case .requeue(let reason):
                await recordRequeued(handOver, reason: reason)
            case .giveBackDailyCount:
                if recipientGate.limit.perDay > 0 { recipientGate.limit.unrecord(handOver.message.recipient, at: handOver.releasedAt) }
            case .providerHealthy:
                problems["provider"] = nil
            case .providerFailing(let reason):
                problems["provider"] = Self.failingNote(provider: provider.name, reason: reason)
            }
        }
        statusChanged()
    }

    /// STATUS='s note for a failing provider: its name and the reason of its last failure
    /// (a proxy's 407, a gateway down), on one line and at most 200 characters. Providers'
    /// reasons carry no recipient and no text (they are masked where they are made, as for
    /// the journal's REASON).
    static func failingNote(provider: String, reason: String) -> String {
        let line = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "provider \(provider) failing: " + (line.count > 200 ? line.prefix(199) + "…" : line)
    }

    private func recordSent(_ handOver: HandOver, reference: String, parts: [String] = []) async {
        let id = handOver.message.id
        let providerName = provider.name
        // Only a provider that reports receipts or replies needs the reference index: the
        // outbox and the command cost no extra fdatasync per message.
        let references = provider.events == nil ? nil : self.references
        let recipient = handOver.message.recipient
        let now = clock.now
        do {
            let indexError = try await withSpool { spool throws -> String? in
                // The reference first: a crash before the move leaves a message in active/
                // (uncertain at recovery) whose later receipt still finds it.
                var indexError: String?
                // Every part's reference (a long SMPP message has one per part, each with its receipt).
                do { try references?.record(references: [reference] + parts, id: id, recipient: recipient, at: now) } catch { indexError = "\(error)" }
                _ = try spool.transition(id, to: .sent, what: "sent", detail: SentReferences.detail(provider: providerName, reference: reference, parts: parts))
                return indexError
            }
            if let indexError {
                log(.spoolError, .warning, "cannot record the gateway reference; a receipt for this message will not find it",
                    [LogKey.spoolID: "\(id)", LogKey.error: "\(indexError)"])
            }
            sentToday += 1
            log(.messageSent, .info, "message sent", [
                LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "sent",
                LogKey.recipient: "\(PhoneMask.mask(recipient))", LogKey.kind: "\(handOver.kind.rawValue)",
            ])
            for r in [reference] + parts where !r.isEmpty {  // an empty message_id is no reference
                if let early = earlyReceipts.removeValue(forKey: r) { _ = await handleReceipt(early.receipt) }
            }
        } catch {
            log(.spoolError, .error, "message sent but its result could not be recorded; it stays in active/ and becomes uncertain at restart",
                [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
        }
    }

    /// The provider cannot say whether the gateway has the message (a command killed or
    /// timed out): it goes to `uncertain/` as after a crash mid-hand-over, and only an
    /// operator sends it again (`remindctl retry --force`) or ends it (`remindctl cancel`).
    private func recordUncertain(_ handOver: HandOver, reason: String) async {
        let id = handOver.message.id
        do {
            try await withSpool { _ = try $0.transition(id, to: .uncertain, what: "uncertain", detail: "reason=\(reason)") }
            log(.messageUncertain, .warning, "the provider could not say whether it sent the message; moved aside for an operator", [
                LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "uncertain",
                LogKey.recipient: "\(PhoneMask.mask(handOver.message.recipient))", LogKey.reason: "\(reason)",
            ])
        } catch {
            log(.spoolError, .error, "cannot record uncertain message; it stays in active/ and becomes uncertain at restart",
                [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
        }
    }

    /// The history line of a hand-over that never reached the gateway.
    static let requeuedEvent = "requeued"

    /// Nothing reached the gateway (its link is down, connecting or refused, or the SMPP
    /// message waiting beyond the window at a stop): back to `queued/` at its own time, the
    /// attempt not counted; releases wait for the link (``linkHoldsReleases``), so this
    /// happens at most once per hand-over in flight.
    private func recordRequeued(_ handOver: HandOver, reason: String) async {
        let id = handOver.message.id
        do {
            let entry = try await withSpool { try $0.transition(id, to: .queued, what: Engine.requeuedEvent, detail: "reason=\(reason)") }
            scheduler.insert(ReleaseScheduler.Entry(entry))
            sleeper.wake()
            log(.messageQueued, .debug, "message back in the queue: nothing of it reached the gateway", [
                LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "queued", LogKey.reason: "\(reason)",
            ])
        } catch {
            log(.spoolError, .error, "cannot put a message back in the queue; it stays in active/ and is settled at restart",
                [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
        }
    }

    private func recordDeferred(_ handOver: HandOver, until retryAt: Date, reason: String) async {
        let id = handOver.message.id
        do {
            try await withSpool { _ = try $0.transition(id, to: .deferred, what: "deferred", detail: "reason=\(reason)", due: retryAt) }
            scheduler.insert(.init(id: id, due: retryAt, expires: handOver.facts.expires, kind: handOver.kind, expiryCause: handOver.expiryCause))
            sleeper.wake()  // the retry may come before the loop's current deadline
            log(.messageDeferred, .warning, "message deferred after a temporary failure", [
                LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "deferred",
                LogKey.reason: "\(reason)", LogKey.due: "\(Timestamp.format(retryAt))",
            ])
        } catch {
            log(.spoolError, .error, "cannot defer message", [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
        }
    }

    private func recordFailed(_ id: MessageID, reason: String) async {
        do {
            try await withSpool { _ = try $0.transition(id, to: .failed, what: "failed", detail: "reason=\(reason)") }
            failedToday += 1
            log(.messageFailed, .error, "message failed", [
                LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "failed", LogKey.reason: "\(reason)",
            ])
        } catch {
            log(.spoolError, .error, "cannot record failed message", [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
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
}
