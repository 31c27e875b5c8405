import Foundation
import Logging
import RemindAssembly
import RemindConfig
import RemindControl
import RemindCore
import RemindSchedule
import RemindSpool

/// remindctl's queue commands: `queue` and `show` read the spool; `hold`, `release`,
/// `cancel` and `retry` change it, one durable spool transition per message, and keep the
/// scheduler in step, so a released or retried message goes out in its slot and a held or
/// cancelled one never does.
///
/// **No race with the release loop.** A change first takes the message out of the
/// scheduler, on the actor, before its spool transition runs: the release loop cannot
/// choose it meanwhile. A queued or deferred message due before the scheduler's horizon
/// that the scheduler no longer holds is being released or expired this instant (``ReleaseScheduler/nextAction(now:)`` took it out):
/// the change is refused as `busy`, never applied under the hand-over. A message the
/// change leaves pending is put back in the schedule; one it queues again is scheduled
/// (release: at its due time or now, whichever is later; retry: now). As a last guard,
/// ``checkReleasable(_:_:)`` makes a release skip a message that is no longer queued or
/// deferred when its turn comes.
///
/// **Journal.** One entry per change: `messageHeld`, `messageRequeued` or
/// `messageCancelled`, with SPOOL_ID, the masked number, STATE, PREVIOUS_STATE and the
/// reason `operator…`; the operator's own words (`cancel --reason`) go to the message's
/// history only, never to the journal.
///
/// **Reads** (`queue`, `show`) list the index on the spool's thread, select and sort off
/// the actor, and read message files in chunks of ``readChunk``, so a long listing never
/// holds up a release for more than a chunk's worth of reads.
extension Engine {
    /// Message files read per trip to the spool's thread when listing.
    static let readChunk = 256

    // MARK: queue

    /// `remindctl queue`: the messages matching the query, oldest due first, masked.
    func queueReport(_ arguments: [String: String]) async -> ControlResponse {
        let query: QueueQuery
        do { query = try QueueQuery(arguments: arguments) } catch {
            return .failure(error.description, code: .badArgument)
        }
        let states = query.states
        var candidates: [QueueQuery.Candidate]
        do {
            candidates = try await withSpool { spool in
                var out: [QueueQuery.Candidate] = []
                for e in spool.allEntries where states.contains(e.state) {
                    out.append(.init(id: e.id, state: e.state, kind: e.kind, source: e.key.source, due: e.due))
                }
                return out
            }
        } catch {
            return .failure("cannot read the spool: \(error)", code: .ioError)
        }
        // A deferred message is due at its next attempt, which the schedule holds.
        for i in candidates.indices where candidates[i].state == .deferred {
            if let due = scheduler.entry(candidates[i].id)?.due { candidates[i].due = due }
        }
        let (selected, total) = await Self.select(query, candidates)
        var items: [QueueReport.Item] = []
        items.reserveCapacity(selected.count)
        var start = 0
        while start < selected.count {
            let chunk = Array(selected[start..<min(start + Self.readChunk, selected.count)])
            start += chunk.count
            do {
                items += try await withSpool { spool in
                    chunk.compactMap { c -> QueueReport.Item? in
                        // Gone (pruned) or unreadable since the listing: left out.
                        guard let state = spool.entry(c.id)?.state, let m = try? spool.message(c.id) else { return nil }
                        return QueueReport.Item(
                            id: m.id, state: state, kind: m.kind, due: c.due, expires: m.expires,
                            recipient: PhoneMask.mask(m.recipient), key: m.key, reason: MessageHistory.reason(of: Self.history(m)))
                    }
                }
            } catch {
                return .failure("cannot read the spool: \(error)", code: .ioError)
            }
        }
        return ControlResponse(ok: true, queue: QueueReport(items: items, total: total, timeZone: settings.config.practice.timeZone.identifier))
    }

    /// Selection and sorting, off the actor (a million candidates take a moment).
    nonisolated static func select(_ query: QueueQuery, _ candidates: [QueueQuery.Candidate]) async -> (selected: [QueueQuery.Candidate], total: Int) {
        query.select(candidates)
    }

    // MARK: show

    /// `remindctl show`: one message with its history; its text and full number only
    /// when the request asks (`text`, `full`).
    func messageReport(_ request: ControlRequest) async -> ControlResponse {
        guard request.ids.count == 1, let id = MessageID(request.ids[0]) else {
            return .failure("show takes one message id (16 hexadecimal digits)", code: .badID)
        }
        let found: (SpoolMessage, MessageState)?
        do {
            found = try await withSpool { spool throws -> (SpoolMessage, MessageState)? in
                guard let entry = spool.entry(id) else { return nil }
                return (try spool.message(id), entry.state)
            }
        } catch {
            return .failure("cannot read message \(id): \(error)", code: .ioError)
        }
        guard let (message, state) = found else { return .failure("no message \(id) in the spool", code: .badID) }
        let due = scheduler.entry(id)?.due
        return ControlResponse(ok: true, message: Self.report(
            message, state: state, due: due, text: request.arguments["text"] == "true", full: request.arguments["full"] == "true",
            timeZone: settings.config.practice.timeZone.identifier))
    }

    /// A spool message as `show` reports it. `due` overrides the file's (the schedule's
    /// time); else a deferred message is due at the `retry=` time of its history.
    nonisolated static func report(
        _ m: SpoolMessage, state: MessageState, due: Date?, text: Bool, full: Bool, timeZone: String
    ) -> MessageReport {
        let events = history(m)
        let due = due ?? (state == .deferred ? MessageHistory.retryTime(of: events) : nil) ?? m.due
        return MessageReport(
            id: m.id, state: state, kind: m.kind, key: m.key, recipient: full ? m.recipient : PhoneMask.mask(m.recipient),
            text: text ? m.text : nil, due: due, expires: m.expires, appointmentStart: m.appointmentStart,
            sourceFile: m.source?.file, sourceLine: m.source?.line, created: m.created, encoding: m.encoding.name,
            segments: m.segments, events: events, timeZone: timeZone)
    }

    nonisolated static func history(_ m: SpoolMessage) -> [MessageReport.Event] {
        m.events.map { MessageReport.Event(time: $0.time, what: $0.what, detail: $0.detail) }
    }

    // MARK: stats

    /// `remindctl stats`: per local day and kind, the messages that ended in a final
    /// state within `days` (argument, default 7), and the segments of those sent.
    func statsReport(_ arguments: [String: String]) async -> ControlResponse {
        let days = arguments["days"].map { Int($0) ?? 0 } ?? 7
        guard days > 0 else { return .failure("days: not a positive number", code: .badArgument) }
        let zone = settings.config.practice.timeZone
        var tally = StatsReport.Tally(days: days, zone: zone)
        let since = tally.since
        do {
            // Counting needs no file but a sent message's segments: those are read in chunks.
            let (ended, sent) = try await withSpool { spool -> ([SpoolEntry], [MessageID]) in
                let ended = spool.allEntries.filter { $0.state.isFinal && $0.since >= since }
                return (ended, ended.filter { $0.state == .sent || $0.state == .delivered }.map(\.id))
            }
            var segments: [MessageID: Int] = [:]
            var start = 0
            while start < sent.count {
                let chunk = Array(sent[start..<min(start + Self.readChunk, sent.count)])
                start += chunk.count
                let part = try await withSpool { spool in chunk.map { ($0, (try? spool.message($0).segments) ?? 1) } }
                for (id, n) in part { segments[id] = n }
            }
            for e in ended { tally.add(state: e.state, kind: e.kind, ended: e.since, segments: segments[e.id] ?? 1) }
        } catch {
            return .failure("cannot read the spool: \(error)", code: .ioError)
        }
        return ControlResponse(ok: true, stats: StatsReport(rows: tally.sortedRows, days: days, timeZone: zone.identifier))
    }

    // MARK: hold, release, cancel, retry

    /// `remindctl hold|release|cancel|retry ID…`: applies `action` to each id in turn and
    /// answers what happened to each. `reason` (cancel) is kept in the history only.
    func operate(_ action: OperatorAction, _ request: ControlRequest) async -> ControlResponse {
        let ids = request.ids
        guard !ids.isEmpty else { return .failure("no message id given", code: .badArgument) }
        let force = request.arguments["force"] == "true"
        let note = request.arguments["reason"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        var changes: [OperatorReport.Change] = []
        for raw in ids {
            guard let id = MessageID(raw) else {
                changes.append(.init(id: raw, ok: false, changed: false, from: nil, to: nil,
                                     error: "is not a message id (16 hexadecimal digits)", errorCode: .badID))
                continue
            }
            changes.append(await operate(action, id, force: force, note: note, caller: request.caller))
        }
        if changes.contains(where: \.changed) {
            await checkBacklog()
            sleeper.wake()
            statusChanged()
        }
        return ControlResponse(ok: true, changes: OperatorReport(
            action: action, changes: changes, timeZone: settings.config.practice.timeZone.identifier))
    }

    /// What the spool's thread found and did for one message.
    private enum OperatorStep: Sendable {
        case missing
        case stays(MessageState, OperatorAction.Outcome)
        case busy(MessageState)
        case moved(from: MessageState, to: SpoolEntry, recipient: String)
    }

    private func operate(
        _ action: OperatorAction, _ id: MessageID, force: Bool, note: String?, caller: ControlCaller?
    ) async -> OperatorReport.Change {
        // Out of the schedule first (see the overview): the release loop cannot choose it now.
        // (A pending message past the scheduler's horizon is not held; one before it that
        // is not held was just taken out by the release loop.)
        let scheduled = scheduler.entry(id)
        scheduler.remove(id)
        let wasScheduled = scheduled != nil
        let boundary = scheduler.boundary
        let step: OperatorStep
        do {
            step = try await withSpool { spool throws -> OperatorStep in
                guard let entry = spool.entry(id) else { return .missing }
                let outcome = action.outcome(from: entry.state, force: force)
                guard case .move(let target) = outcome else { return .stays(entry.state, outcome) }
                if entry.state == .queued || entry.state == .deferred, !wasScheduled,
                   ReleaseHorizon.key(due: entry.due, expires: entry.expires) < boundary {
                    return .busy(entry.state)
                }
                let recipient = try spool.message(id).recipient
                let detail = Self.operatorDetail(action, from: entry.state, note: note, caller: caller)
                let moved = try spool.transition(id, to: target, what: action.eventName, detail: detail)
                return .moved(from: entry.state, to: moved, recipient: recipient)
            }
        } catch {
            // The state is not known here: back in the schedule only if the spool still has it pending.
            if let scheduled {
                let state = try? await withSpool { $0.entry(id)?.state }
                if state == .queued || state == .deferred { scheduler.insert(scheduled) }
            }
            log(.spoolError, .error, "cannot change a message for remindctl", [
                LogKey.spoolID: "\(id)", "action": "\(action.rawValue)", LogKey.error: "\(error)",
            ])
            return .init(id: "\(id)", ok: false, changed: false, from: nil, to: nil, error: "could not be changed: \(error)", errorCode: .ioError)
        }
        switch step {
        case .missing:
            return .init(id: "\(id)", ok: false, changed: false, from: nil, to: nil, error: "is not in the spool", errorCode: .badID)
        case .busy(let state):
            if let scheduled { scheduler.insert(scheduled) }
            return .init(id: "\(id)", ok: false, changed: false, from: state, to: state,
                         error: "is being handed over or expired this instant; ask again", errorCode: .busy)
        case .stays(let state, let outcome):
            if let scheduled, state == .queued || state == .deferred { scheduler.insert(scheduled) }
            if case .refused(let why) = outcome {
                return .init(id: "\(id)", ok: false, changed: false, from: state, to: state, error: why, errorCode: .wrongState)
            }
            return .init(id: "\(id)", ok: true, changed: false, from: state, to: state)
        case .moved(let from, let entry, let recipient):
            var metadata: Logger.Metadata = [
                LogKey.spoolID: "\(id)", LogKey.recipient: "\(PhoneMask.mask(recipient))", LogKey.state: "\(entry.state.rawValue)",
                "previous_state": "\(from.rawValue)", LogKey.kind: "\(entry.kind.rawValue)",
                LogKey.reason: "\(Self.journalReason(action))",
            ]
            metadata.merge(Self.callerMetadata(caller)) { $1 }
            var due: Date?
            switch action {
            case .hold:
                log(.messageHeld, .notice, "message held by an operator", metadata)
            case .cancel:
                log(.messageCancelled, .notice, "message cancelled by an operator", metadata)
            case .release, .retry:
                let now = clock.now
                let at = action == .release ? max(now, entry.due) : now  // retry: now
                scheduler.insert(.init(id: id, due: at, expires: entry.expires, kind: entry.kind, expiryCause: entry.expiryCause))
                due = at
                metadata[LogKey.due] = "\(Timestamp.format(at))"
                log(.messageRequeued, .notice, "message queued again by an operator", metadata)
            }
            return .init(id: "\(id)", ok: true, changed: true, from: from, to: entry.state, due: due)
        }
    }

    /// The history line's detail for a change by `action`.
    /// The history detail of an operator's change: who asked (the socket's peer
    /// credentials) first, then `reason=` (read back to its end by ``MessageHistory``).
    nonisolated static func operatorDetail(_ action: OperatorAction, from: MessageState, note: String?, caller: ControlCaller? = nil) -> String {
        (caller.map { "\($0) " } ?? "") + operatorReason(action, from: from, note: note)
    }

    nonisolated static func operatorReason(_ action: OperatorAction, from: MessageState, note: String?) -> String {
        switch action {
        case .hold: "reason=operator"
        case .release: "reason=operator release"
        case .retry: from == .uncertain ? "reason=operator retry (forced: it was uncertain)" : "reason=operator retry"
        case .cancel: "reason=operator" + (note.map { ": " + $0 } ?? "")
        }
    }

    /// The journal fields naming who asked (none when the server could not tell).
    nonisolated static func callerMetadata(_ caller: ControlCaller?) -> Logger.Metadata {
        guard let caller else { return [:] }
        var m: Logger.Metadata = [
            LogKey.callerUID: "\(caller.uid)", LogKey.callerGID: "\(caller.gid)", LogKey.callerPID: "\(caller.pid)",
        ]
        if let user = caller.user { m[LogKey.callerUser] = "\(user)" }
        return m
    }

    /// The journal's REASON for a change by `action` (never the operator's words).
    nonisolated static func journalReason(_ action: OperatorAction) -> String {
        switch action {
        case .hold, .cancel: "operator"
        case .release: "operator release"
        case .retry: "operator retry"
        }
    }

    // MARK: Release guard

    /// Throws ``NotReleasable`` unless the message is queued or deferred: a release
    /// chosen by the scheduler skips a message an operator (or an export) moved since.
    /// Runs on the spool's thread.
    nonisolated static func checkReleasable(_ spool: Spool, _ id: MessageID) throws {
        guard let state = spool.entry(id)?.state, state == .queued || state == .deferred else { throw NotReleasable() }
    }
}

/// A message chosen for release is no longer queued or deferred (held, cancelled…).
struct NotReleasable: Error {}
