import Foundation
import Logging
import RemindAssembly
import RemindConfig
import RemindCore
import RemindDelivery
import RemindRecipients
import RemindSchedule
import RemindSpool

/// Receipts whose reference no message has: logged at notice once, then counted and
/// summed up at most once an hour (a gateway replaying old receipts must not flood the journal).
struct UnknownReceipts: Sendable {
    static let interval: TimeInterval = 3600
    var lastLogged: Date?
    var suppressed = 0

    /// Whether to log one at `now` (and how many went unlogged before it).
    mutating func shouldLog(at now: Date) -> (log: Bool, suppressed: Int) {
        if let last = lastLogged, now.timeIntervalSince(last) < Self.interval {
            suppressed += 1
            return (false, 0)
        }
        let before = suppressed
        lastLogged = now
        suppressed = 0
        return (true, before)
    }
}

/// A receipt whose reference no message has yet, kept while hand-overs are in flight.
struct EarlyReceipt: Sendable {
    static let limit = 1000
    static let keep: TimeInterval = 600
    var receipt: DeliveryReceipt
    var arrived: Date
}

/// What a gateway reports after the hand-over (``GatewayEvent``), applied to the spool:
///
/// - **Receipt**: the ``ReferenceIndex`` maps the gateway's reference to the message (it
///   survives restarts: receipts come days later); ``HandOverDecision/receipt(delivered:code:state:)``
///   says what it does: `sent/` (or `uncertain/`) → `delivered/` or `failed/`, the code in
///   the history's `Event:` line and in the journal (messageDelivered, messageUndeliverable).
///   An unknown reference is logged once an hour at notice (receiptUnknown).
/// - **Inbound message**: the sender normalised; when the text matches
///   `recipients.opt_out_keywords` the number goes on the opt-out list and its pending
///   messages are withdrawn (as `remindctl optout add`); every reply, opt-out or not, is
///   appended to `replies/` (``ReplyLog``) with the message it answers (the latest sent
///   to the number, from the reference index) (replyReceived).
/// - **Link state**: kept for `remindctl status`, and on STATUS= while not up (linkChanged).
extension Engine {
    func handle(_ event: GatewayEvent) async -> Bool {
        switch event {
        case .receipt(let receipt): return await handleReceipt(receipt)
        case .inbound(let message): return await handleInbound(message)
        case .link(let state):
            linkChanged(state)
            return true
        }
    }

    private enum ReceiptStep: Sendable {
        case gone
        case mismatch
        case ignored(MessageState)
        case moved(from: MessageState, to: MessageState, recipient: String, kind: MessageKind)
        /// One part of a long message delivered; the message waits for the others.
        case partDelivered(done: Int, total: Int)
    }

    /// Applies a delivery receipt; true when it was handled (recorded, or rightly ignored).
    func handleReceipt(_ receipt: DeliveryReceipt) async -> Bool {
        guard let id = references.message(forReference: receipt.reference) else {
            // A fast gateway's receipt can overtake the recording of its own hand-over's
            // answer: kept (at most 1,000, for 10 minutes) and applied when it is recorded.
            // Not stored yet, so the gateway is told to ask again too.
            if handOversInFlight > 0 {
                keepEarly(receipt)
                return false
            }
            let (logIt, suppressed) = unknownReceipts.shouldLog(at: clock.now)
            if logIt {
                log(.receiptUnknown, .notice, "delivery receipt for a reference no message has; ignored", [
                    LogKey.provider: "\(provider.name)", "reference": "\(receipt.reference)", "suppressed": "\(suppressed)",
                ])
            }
            return true
        }
        let decision = HandOverDecision()
        let reference = receipt.reference
        let delivered = receipt.outcome == .delivered
        let code = receipt.code
        let step: ReceiptStep
        do {
            step = try await withSpool { spool throws -> ReceiptStep in
                guard let entry = spool.entry(id) else { return .gone }
                let message = try spool.message(id)
                // A hash collision in the index would name another message: its history says.
                let sent = message.events.last(where: { $0.what == "sent" })
                let parts = sent.map { SentReferences($0.detail) } ?? SentReferences("")
                if let sent, !sent.detail.hasSuffix("reference=" + reference), !parts.others.contains(reference) {
                    return .mismatch
                }
                switch decision.receipt(delivered: delivered, code: code, state: entry.state) {
                case .ignore(let state):
                    return .ignored(state)
                case .markDelivered(let detail) where !parts.others.isEmpty:
                    // A long message is delivered when every part is: each part's receipt
                    // is kept in its history until the last one comes.
                    var done = Set(message.events.filter { $0.what == SentReferences.partDelivered }.map { SentReferences.reference(in: $0.detail) })
                    if !done.contains(reference) {
                        done.insert(reference)
                        if done.count < parts.all.count {
                            try spool.transition(id, to: entry.state, what: SentReferences.partDelivered, detail: "reference=" + reference)
                        }
                    }
                    guard done.isSuperset(of: parts.all) else { return .partDelivered(done: done.count, total: parts.all.count) }
                    try spool.transition(id, to: .delivered, what: "delivered", detail: detail + " parts=\(parts.all.count)")
                    return .moved(from: entry.state, to: .delivered, recipient: message.recipient, kind: message.kind)
                case .markDelivered(let detail):
                    try spool.transition(id, to: .delivered, what: "delivered", detail: detail)
                    return .moved(from: entry.state, to: .delivered, recipient: message.recipient, kind: message.kind)
                case .markFailed(let detail):
                    try spool.transition(id, to: .failed, what: "undeliverable", detail: detail)
                    return .moved(from: entry.state, to: .failed, recipient: message.recipient, kind: message.kind)
                }
            }
        } catch {
            log(.spoolError, .error, "cannot record a delivery receipt", [LogKey.spoolID: "\(id)", LogKey.error: "\(error)"])
            return false
        }
        switch step {
        case .gone, .mismatch:
            let (logIt, suppressed) = unknownReceipts.shouldLog(at: clock.now)
            if logIt {
                log(.receiptUnknown, .notice, "delivery receipt for a reference no message has; ignored", [
                    LogKey.provider: "\(provider.name)", "reference": "\(receipt.reference)", "suppressed": "\(suppressed)",
                ])
            }
        case .partDelivered(let done, let total):
            logger.debug("delivery receipt for one part of a long message", metadata: [
                LogKey.spoolID: "\(id)", LogKey.count: "\(done)", "parts": "\(total)",
            ])
        case .ignored(let state):
            logger.debug("delivery receipt for a message not waiting for one; ignored", metadata: [
                LogKey.spoolID: "\(id)", LogKey.state: "\(state.rawValue)",
            ])
        case .moved(let from, let to, let recipient, let kind):
            var metadata: Logger.Metadata = [
                LogKey.spoolID: "\(id)", LogKey.provider: "\(provider.name)", LogKey.state: "\(to.rawValue)",
                "previous_state": "\(from.rawValue)", LogKey.recipient: "\(PhoneMask.mask(recipient))", LogKey.kind: "\(kind.rawValue)",
            ]
            if let code { metadata["gateway_code"] = "\(code)" }
            if to == .delivered {
                log(.messageDelivered, .info, "message delivered to the handset", metadata)
            } else {
                failedToday += 1
                metadata[LogKey.reason] = "undeliverable"
                log(.messageUndeliverable, .warning, "the gateway could not deliver the message", metadata)
            }
            statusChanged()
        }
        return true
    }

    private func keepEarly(_ receipt: DeliveryReceipt) {
        let now = clock.now
        earlyReceipts = earlyReceipts.filter { now.timeIntervalSince($0.value.arrived) < EarlyReceipt.keep }
        if earlyReceipts.count >= EarlyReceipt.limit, let oldest = earlyReceipts.min(by: { $0.value.arrived < $1.value.arrived })?.key {
            earlyReceipts[oldest] = nil
        }
        earlyReceipts[receipt.reference] = EarlyReceipt(receipt: receipt, arrived: now)
    }

    /// Stores a patient's reply (and opts the number out when it says so); true when the
    /// reply is durable in `replies/`.
    func handleInbound(_ inbound: InboundMessage) async -> Bool {
        let number: String = switch settings.phones.parse(inbound.sender) {
        case .success(let recipient): recipient.e164
        case .failure: inbound.sender
        }
        let optOut = settings.config.recipients.optOutKeywords.isOptOut(replyText: inbound.text)
        let answers = references.latestMessage(to: number)
        let optOuts = self.optOuts
        let directory = settings.paths.replies
        let timeZone = settings.config.practice.timeZone
        let draft = ReplyRecord(received: inbound.time, from: number, fromMasked: PhoneMask.mask(number), text: inbound.text, optOut: optOut)
        let added: Bool
        let withdrawn: [MessageID]
        let record: ReplyRecord
        do {
            (added, withdrawn, record) = try await withSpool { spool throws -> (Bool, [MessageID], ReplyRecord) in
                var record = draft
                if let answers, let message = try? spool.message(answers), message.recipient == number {
                    record.inReplyTo = "\(answers)"
                    record.source = message.key.source
                    record.appointmentID = message.key.recordID
                    record.kind = message.kind.rawValue
                }
                var added = false
                var withdrawn: [MessageID] = []
                if optOut {
                    added = try optOuts.add(number, source: "reply")
                    withdrawn = try Self.cancelPending(of: number, in: spool)
                }
                try ReplyLog.append(record, directory: directory, timeZone: timeZone)
                return (added, withdrawn, record)
            }
        } catch {
            log(.spoolError, .error, "cannot store a patient's reply", [
                LogKey.recipient: "\(PhoneMask.mask(number))", LogKey.provider: "\(provider.name)", LogKey.error: "\(error)",
            ])
            return false
        }
        var metadata: Logger.Metadata = [
            LogKey.recipient: "\(PhoneMask.mask(number))", LogKey.provider: "\(provider.name)", "opt_out": "\(optOut)",
        ]
        if let answered = record.inReplyTo { metadata[LogKey.spoolID] = "\(answered)" }
        log(.replyReceived, optOut ? .notice : .info, optOut ? "reply received: the patient opted out" : "reply received", metadata)
        if optOut {
            logger.notice("number put on the opt-out list", metadata: [
                LogKey.recipient: "\(PhoneMask.mask(number))", "source": "reply", "already_listed": "\(!added)", LogKey.count: "\(withdrawn.count)",
            ])
        }
        await unschedule(withdrawn, optedOut: number)
        return true
    }

    /// The link went up or down: STATUS= says so while it is not up; the journal gets one
    /// line per change.
    func linkChanged(_ state: LinkState) {
        guard link != state else { return }
        let previous = link
        link = state
        switch state {
        case .up:
            problems["link"] = nil
            if previous != nil {
                log(.linkChanged, .info, "gateway link up", [LogKey.provider: "\(provider.name)", LogKey.state: "up"])
            }
        case .down(let reason):
            problems["link"] = "link down: \(reason)"
            log(.linkChanged, .warning, "gateway link down; the provider reconnects", [
                LogKey.provider: "\(provider.name)", LogKey.state: "down", LogKey.reason: "\(reason)",
            ])
        case .refused(let reason):
            problems["link"] = "link refused: \(reason)"
            log(.linkChanged, .error, "the gateway refused the link; check the provider's credentials and settings", [
                LogKey.provider: "\(provider.name)", LogKey.state: "refused", LogKey.reason: "\(reason)",
            ])
        }
        sleeper.wake()  // the release loop flushes a STATUS= held back by the once-a-second limit
        statusChanged()
    }
}

/// The gateway references a `sent` history line names: `… parts=B,C reference=A` for a
/// long message whose parts were submitted separately (A the first part's, B and C the
/// others'), `… reference=A` for one part.
struct SentReferences: Sendable, Equatable {
    /// The history line of one part's delivery receipt, before the message's last.
    static let partDelivered = "part-delivered"

    var first: String?
    var others: [String]
    var all: Set<String> { Set(others + (first.map { [$0] } ?? [])) }

    init(_ detail: String) {
        first = detail.range(of: "reference=", options: .backwards).map { String(detail[$0.upperBound...]) }
        others = detail.split(separator: " ").first { $0.hasPrefix("parts=") }
            .map { $0.dropFirst("parts=".count).split(separator: ",").map(String.init) } ?? []
    }

    /// The detail of a `sent` line: the parts before the reference (kept last, as the
    /// receipt's collision check reads it).
    static func detail(provider: String, reference: String, parts: [String]) -> String {
        "provider=\(provider)" + (parts.isEmpty ? "" : " parts=" + parts.joined(separator: ",")) + " reference=\(reference)"
    }

    static func reference(in detail: String) -> String {
        detail.range(of: "reference=").map { String(detail[$0.upperBound...]) } ?? ""
    }
}
