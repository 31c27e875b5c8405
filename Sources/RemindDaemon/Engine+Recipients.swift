import FileSystemKit
import Foundation
import Logging
import RemindAssembly
import RemindConfig
import RemindControl
import RemindCore
import RemindRecipients
import RemindSchedule
import RemindSpool

/// What the engine keeps for the per-recipient rules it applies at release.
struct RecipientGate: Sendable {
    /// Releases per number and practice-local day (`recipients.daily_limit`).
    var limit: DailyRecipientLimit
    /// Whether `limit`'s counts were rebuilt from the spool (they are not while the limit
    /// is 0; a reload that sets one rebuilds them).
    var counted = false
    /// The scheduler's last-release mark before the `nextAction` that returned the
    /// current `.release`, put back when that release is withheld.
    var markBeforeRelease: Date?

    init(perDay: Int, timeZone: TimeZone) {
        limit = DailyRecipientLimit(perDay: perDay, timeZone: timeZone)
    }
}

/// Why a message chosen for release was not handed to the provider.
enum Withheld: Error, Sendable {
    /// Its number is on the opt-out list: it ended `cancelled`.
    case optedOut(recipient: String)
    /// Its number had its daily limit: it waits (state `deferred`) until `until`.
    case overDailyLimit(recipient: String, until: Date, expires: Date?, kind: MessageKind, cause: ExpiryCause)
    /// Its number had its daily limit and its expiry comes before a day with room: it ended `expired`.
    case expiredByDailyLimit(recipient: String)
}

/// Per-recipient rules: the daily limit at release (and its counts rebuilt at start-up
/// from the spool), and the opt-out list as `remindctl optout` steers it.
///
/// **Daily limit** (`recipients.daily_limit`, the rule of ``DailyRecipientLimit``): just
/// before a release the engine counts the messages released to the number on the current
/// practice-local day; at the limit the message is not sent but moved to `deferred/` until
/// the first opening of the delivery windows on the next day with room, or ends `expired`
/// (reason `daily limit`) when that is not before its expiry. The scheduler's rate slot is
/// given back (``ReleaseScheduler/undoRelease(restoring:)``), so the next due message of
/// another number goes at once. Counts live in memory and are rebuilt at start-up from the
/// spool: every message in `sent/`, `delivered/` or `uncertain/` whose last `active`
/// event (its release) falls on the current local day counts once. A release the
/// provider refuses does not count.
///
/// **Opt-outs**: `add` puts the number on the list (durably, under the list's file lock)
/// and ends every pending message (queued, deferred, held) of the number `cancelled`,
/// reason `opted-out`; finding them reads the pending messages' files, as the index does
/// not hold numbers (about 20 µs a message). The journal gets the masked number only.
extension Engine {
    /// The daily limit's reason, in the spool and the journal.
    static let dailyLimitReason = "daily limit"

    // MARK: Release hooks

    /// Decides whether `message` is over its number's daily limit at `now`; if so moves it
    /// to `deferred/` (or `expired/`) on the spool and says so. Runs on the spool's thread.
    nonisolated static func applyDailyLimit(
        _ spool: Spool, _ message: SpoolMessage, limit: DailyRecipientLimit, calendar: DeliveryCalendar, now: Date
    ) throws -> Withheld? {
        guard !limit.allows(message.recipient, at: now) else { return nil }
        let day = limit.nextDayWithRoom(for: message.recipient, from: now)
        if let opening = calendar.nextOpening(atOrAfter: max(day, message.due)), message.expires.map({ opening < $0 }) ?? true {
            // The retry time becomes the index's due time too (the scheduler's horizon reads it).
            try spool.transition(message.id, to: .deferred, what: "deferred", detail: "reason=\(dailyLimitReason)", due: opening)
            return .overDailyLimit(recipient: message.recipient, until: opening, expires: message.expires, kind: message.kind, cause: message.cause)
        }
        try spool.transition(message.id, to: .expired, what: "expired", detail: "reason=\(dailyLimitReason)")
        return .expiredByDailyLimit(recipient: message.recipient)
    }

    /// A message chosen for release was withheld: gives the rate slot back, schedules it
    /// again if it waits, and tells the journal (masked number only).
    func withhold(_ id: MessageID, _ withheld: Withheld) {
        scheduler.undoRelease(restoring: recipientGate.markBeforeRelease)
        switch withheld {
        case .optedOut(let recipient):
            log(.messageCancelled, .notice, "message cancelled: the recipient opted out", [
                LogKey.spoolID: "\(id)", LogKey.state: "cancelled", LogKey.reason: "\(IngestPipeline.optedOutReason)",
                LogKey.recipient: "\(PhoneMask.mask(recipient))",
            ])
        case .overDailyLimit(let recipient, let until, let expires, let kind, let cause):
            scheduler.insert(.init(id: id, due: until, expires: expires, kind: kind, expiryCause: cause))
            log(.messageDeferred, .warning, "message deferred: its number had its daily limit of messages", [
                LogKey.spoolID: "\(id)", LogKey.state: "deferred", LogKey.reason: "\(Self.dailyLimitReason)",
                LogKey.recipient: "\(PhoneMask.mask(recipient))", LogKey.due: "\(Timestamp.format(until))",
                "daily_limit": "\(recipientGate.limit.perDay)",
            ])
        case .expiredByDailyLimit(let recipient):
            log(.messageExpired, .notice, "message expired unsent: its number had its daily limit until after its expiry", [
                LogKey.spoolID: "\(id)", LogKey.state: "expired", LogKey.reason: "\(Self.dailyLimitReason)",
                LogKey.recipient: "\(PhoneMask.mask(recipient))", "daily_limit": "\(recipientGate.limit.perDay)",
            ])
        }
        sleeper.wake()
        statusChanged()
    }

    // MARK: Counts

    /// Rebuilds the daily counts from the spool (start-up, and a reload that sets a
    /// limit). Reads the files of messages that reached a final sent state today only.
    func rebuildDailyCounts() async throws {
        let perDay = settings.config.recipients.dailyLimit
        let tz = settings.config.practice.timeZone
        var limit = DailyRecipientLimit(perDay: perDay, timeZone: tz)
        guard perDay > 0 else {
            recipientGate.limit = limit
            recipientGate.counted = false
            return
        }
        let now = clock.now
        let releases = try await withSpool { spool in try Self.releasesToday(spool, timeZone: tz, now: now) }
        for (number, time) in releases { limit.record(number, at: time) }
        recipientGate.limit = limit
        recipientGate.counted = true
    }

    /// Every release of the local day containing `now` the spool remembers: (number, time)
    /// of each message in `sent/`, `delivered/` or `uncertain/` (or `active/`) whose last
    /// `active` event is on that day.
    nonisolated static func releasesToday(_ spool: Spool, timeZone: TimeZone, now: Date) throws -> [(String, Date)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: now)
        let released: Set<MessageState> = [.sent, .delivered, .uncertain, .active]
        // A release today means the message entered its state today or later.
        let candidates = spool.allEntries.filter { released.contains($0.state) && $0.since >= start }.map(\.id)
        var out: [(String, Date)] = []
        for id in candidates {
            let message = try spool.message(id)
            guard let release = message.events.last(where: { $0.what == "active" })?.time,
                  calendar.isDate(release, inSameDayAs: now) else { continue }
            out.append((message.recipient, release))
        }
        return out
    }

    /// The day rolled over: drop the counts of past days.
    func forgetPastDays(now: Date) {
        recipientGate.limit.forget(before: now)
    }

    // MARK: Reload

    /// After SIGHUP: reads the opt-out list again (remindctl may have changed it while
    /// the daemon was down, or an operator restored it), and applies a changed daily limit
    /// (rebuilding the counts when it was off). A list that cannot be read keeps the one in memory.
    func reloadRecipients() async {
        let optOuts = self.optOuts
        do {
            try await store.run { _ in try optOuts.load() }
        } catch {
            log(.spoolError, .error, "cannot reload the opt-out list; the list read before stays in force",
                [LogKey.path: "\(optOuts.path)", LogKey.error: "\(error)"])
        }
        let perDay = settings.config.recipients.dailyLimit
        let sameZone = recipientGate.limit.timeZone == settings.config.practice.timeZone
        if perDay > 0 && (!recipientGate.counted || !sameZone) {
            do {
                try await rebuildDailyCounts()
            } catch {
                log(.spoolError, .error, "cannot count today's releases per number; the daily limit counts from now",
                    [LogKey.error: "\(error)"])
                recipientGate.limit = DailyRecipientLimit(perDay: perDay, timeZone: settings.config.practice.timeZone)
                recipientGate.counted = true
            }
        } else {
            recipientGate.limit.reconfigure(perDay: perDay)
            if perDay == 0 { recipientGate.counted = false }  // releases are not counted without a limit
        }
        sleeper.wake()
    }

    // MARK: remindctl optout

    /// The number an operator typed, normalised for the practice's region (any type: a
    /// landline may be opted out too), or nil and the refusal as a control response.
    private func normalizeForOptOut(_ raw: String) -> (number: String?, refusal: ControlResponse?) {
        switch settings.phones.parse(raw) {
        case .success(let recipient): return (recipient.e164, nil)
        case .failure(let refusal):
            return (nil, .failure("not a phone number for \(settings.config.practice.region): \(refusal.description)", code: .badArgument))
        }
    }

    /// `remindctl optout add`: lists the number and withdraws its pending messages.
    func optOutAdd(_ raw: String, reason: String?, caller: ControlCaller? = nil) async -> ControlResponse {
        let normalized = normalizeForOptOut(raw)
        guard let number = normalized.number else { return normalized.refusal! }
        let source = "remindctl" + (reason.map { $0.isEmpty ? "" : " (\($0))" } ?? "")
        let optOuts = self.optOuts
        let added: Bool
        let withdrawn: [MessageID]
        do {
            (added, withdrawn) = try await withSpool { spool throws -> (Bool, [MessageID]) in
                let added = try optOuts.add(number, source: source)
                return (added, try Self.cancelPending(of: number, in: spool))
            }
        } catch {
            log(.spoolError, .error, "cannot put a number on the opt-out list", [LogKey.recipient: "\(PhoneMask.mask(number))", LogKey.error: "\(error)"])
            return .failure("cannot put the number on the opt-out list: \(error)", code: .ioError)
        }
        logger.notice("number put on the opt-out list", metadata: [
            LogKey.recipient: "\(PhoneMask.mask(number))", "source": "remindctl", "already_listed": "\(!added)", LogKey.count: "\(withdrawn.count)",
        ].merging(Self.callerMetadata(caller)) { $1 })
        await unschedule(withdrawn, optedOut: number)
        return ControlResponse(ok: true, optOut: OptOutReport(
            number: number, changed: added, withdrawn: withdrawn.map { "\($0)" },
            entries: optOuts.entry(for: number).map { [Self.reportEntry($0)] } ?? [],
            timeZone: settings.config.practice.timeZone.identifier))
    }

    /// Takes messages just withdrawn because `number` opted out (by remindctl or a reply)
    /// out of the schedule, one journal line each, and refreshes the backlog and STATUS=.
    func unschedule(_ withdrawn: [MessageID], optedOut number: String) async {
        for id in withdrawn {
            scheduler.remove(id)
            log(.messageCancelled, .notice, "message withdrawn: the recipient opted out", [
                LogKey.spoolID: "\(id)", LogKey.state: "cancelled", LogKey.reason: "\(IngestPipeline.optedOutReason)",
                LogKey.recipient: "\(PhoneMask.mask(number))",
            ])
        }
        if !withdrawn.isEmpty {
            await checkBacklog()
            sleeper.wake()
            statusChanged()
        }
    }

    /// Ends every pending message (queued, deferred, held) to `number` `cancelled`,
    /// reason `opted-out`; returns their ids. Runs on the spool's thread.
    nonisolated static func cancelPending(of number: String, in spool: Spool) throws -> [MessageID] {
        let pending = spool.allEntries.filter { $0.state.isPending }.map(\.id)
        var cancelled: [MessageID] = []
        for id in pending where try spool.message(id).recipient == number {
            try spool.transition(id, to: .cancelled, what: "cancelled", detail: "reason=\(IngestPipeline.optedOutReason)")
            cancelled.append(id)
        }
        return cancelled
    }

    /// `remindctl optout remove`: takes the number off the list (its withdrawn messages
    /// stay withdrawn; a new export queues new ones).
    func optOutRemove(_ raw: String, caller: ControlCaller? = nil) async -> ControlResponse {
        let normalized = normalizeForOptOut(raw)
        guard let number = normalized.number else { return normalized.refusal! }
        let optOuts = self.optOuts
        let removed: Bool
        do {
            removed = try await store.run { _ in try optOuts.remove(number, source: "remindctl") }
        } catch {
            log(.spoolError, .error, "cannot take a number off the opt-out list", [LogKey.recipient: "\(PhoneMask.mask(number))", LogKey.error: "\(error)"])
            return .failure("cannot take the number off the opt-out list: \(error)", code: .ioError)
        }
        logger.notice("number taken off the opt-out list", metadata: [
            LogKey.recipient: "\(PhoneMask.mask(number))", "source": "remindctl", "was_listed": "\(removed)",
        ].merging(Self.callerMetadata(caller)) { $1 })
        return ControlResponse(ok: true, optOut: OptOutReport(
            number: number, changed: removed, timeZone: settings.config.practice.timeZone.identifier))
    }

    /// `remindctl optout list`: the whole list, full numbers (remindctl masks them).
    func optOutList() -> ControlResponse {
        ControlResponse(ok: true, optOut: OptOutReport(
            entries: optOuts.entries.map(Self.reportEntry), timeZone: settings.config.practice.timeZone.identifier))
    }

    nonisolated static func reportEntry(_ e: OptOutEntry) -> OptOutReport.Entry {
        OptOutReport.Entry(number: e.number, date: e.date, source: e.source)
    }
}
