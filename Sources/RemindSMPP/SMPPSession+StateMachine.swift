public import Foundation
import RemindDelivery

extension SMPPSession {
    /// The session's logic, with no I/O and no clock of its own: each method takes `now`
    /// and returns the ``Action``s for its driver; ``nextDeadline`` says when ``tick(now:)``
    /// is due next.
    ///
    /// Hand-overs: ``submit(_:parts:now:)`` queues the parts of one message; up to `window`
    /// are written at once (and no faster than `throughput`), each matched to its
    /// submit_sm_resp by sequence number. ESME_RTHROTTLED/ESME_RMSGQFUL put the part back
    /// at the head of the queue and pause the link (doubling while they go on). A part
    /// written with no answer before the response timeout, or when the link is lost, is
    /// `uncertain` and is never written again; a message none of whose parts was written
    /// when the link is lost or refused, or at stop, is `notSent` (the daemon puts it back
    /// in the queue, no attempt counted, and holds releases until the link is up again); so
    /// is one its caller ``withdraw(_:reason:)``s at a stop before any part was written.
    /// Before the first bind and while connecting, hand-overs wait here for the bind.
    public struct StateMachine: Sendable {
        /// The longest a stop waits for unbind_resp.
        public static let unbindTimeout: TimeInterval = 5

        enum Phase: Sendable, Equatable {
            case idle
            case waitingToConnect(until: Date)
            case connecting
            case binding(sequence: UInt32, deadline: Date)
            case bound
            case unbinding(sequence: UInt32, deadline: Date)
            case refused(until: Date)
            case stopped
        }

        struct Part: Sendable {
            var token: Token
            var index: Int
            var body: ShortMessage
        }

        struct Submission: Sendable {
            var total: Int
            var results: [Int: Outcome] = [:]
            var written: Set<Int> = []
            /// A part failed: the rest are not written.
            var abandoned = false
        }

        public let configuration: Configuration
        let jitter: @Sendable () -> Double
        private(set) var phase: Phase = .idle
        private var connected = false
        private var stopping = false
        private var closeReason: String?
        private var failures = 0
        private var nextSequence: UInt32 = 1
        private var lastReceived: Date = .distantPast
        private var enquiry: (sequence: UInt32, deadline: Date)?
        private var queue: [Part] = []
        private var outstanding: [UInt32: (part: Part, deadline: Date)] = [:]
        private var submissions: [Token: Submission] = [:]
        private var throttledUntil: Date?
        private var throttleDelay: TimeInterval
        private var nextWriteAt: Date?
        private var lastRefusal: CommandStatus?
        private var linkIsUp = false

        /// `jitter` returns a number in 0…1 (random in the daemon, fixed in tests).
        public init(configuration: Configuration, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
            precondition(configuration.window >= 1)
            self.configuration = configuration
            self.jitter = jitter
            self.throttleDelay = configuration.throttleInitial
        }

        /// Submits written and not answered.
        public var outstandingCount: Int { outstanding.count }
        /// Parts waiting for room in the window (or for the link).
        public var queuedCount: Int { queue.count }
        public var isBound: Bool { phase == .bound }
        public var isStopped: Bool { phase == .stopped }

        // MARK: Link

        public mutating func start(now: Date) -> [Action] {
            guard phase == .idle else { return [] }
            phase = .connecting
            return [.connect]
        }

        public mutating func connected(now: Date) -> [Action] {
            guard phase == .connecting else { return [.close] }
            connected = true
            if stopping { return [.close] }
            let sequence = takeSequence()
            phase = .binding(sequence: sequence, deadline: now + configuration.responseTimeout)
            lastReceived = now
            return [.send(PDU(.bind(configuration.bind), sequence: sequence))]
        }

        public mutating func connectFailed(reason: String, now: Date) -> [Action] {
            guard phase == .connecting else { return [] }
            return linkLost(reason: reason, now: now)
        }

        /// The connection closed (by either side, or after ``Action/close``).
        public mutating func closed(reason: String, now: Date) -> [Action] {
            guard connected else { return [] }
            connected = false
            return linkLost(reason: closeReason ?? reason, now: now)
        }

        /// Stop: unbind if bound (and close at its answer or its timeout), else close.
        public mutating func stop(now: Date) -> [Action] {
            guard !stopping else { return [] }
            stopping = true
            var actions = abandonQueue(reason: "remindd is stopping")
            switch phase {
            case .bound:
                let sequence = takeSequence()
                // At most 5 s: the stop comes after the delivery service's 20 s grace, inside
                // the unit's TimeoutStopSec=30s.
                phase = .unbinding(sequence: sequence, deadline: now + min(configuration.responseTimeout, Self.unbindTimeout))
                actions.append(.send(PDU(.unbind, sequence: sequence)))
            case .connecting, .binding, .unbinding:
                closeReason = "remindd is stopping"
                actions.append(.close)
            case .idle, .waitingToConnect, .refused:
                phase = .stopped
                actions.append(.stopped)
            case .stopped:
                break
            }
            return actions
        }

        /// When ``tick(now:)`` is due next; nil when nothing is.
        public var nextDeadline: Date? {
            // No arrays: the provider asks after every submit and every answer.
            var next: Date?
            func consider(_ d: Date) { if next.map({ d < $0 }) ?? true { next = d } }
            switch phase {
            case .waitingToConnect(let until), .refused(let until): consider(until)
            case .binding(_, let d), .unbinding(_, let d): consider(d)
            case .bound:
                consider(enquiry?.deadline ?? lastReceived + configuration.enquireLinkInterval)
                if !queue.isEmpty, outstanding.count < configuration.window {
                    if let t = throttledUntil { consider(t) }
                    if let t = nextWriteAt { consider(t) }
                }
            case .idle, .connecting, .stopped: break
            }
            for entry in outstanding.values { consider(entry.deadline) }
            return next
        }

        public mutating func tick(now: Date) -> [Action] {
            var actions: [Action] = []
            switch phase {
            case .waitingToConnect(let until) where now >= until, .refused(let until) where now >= until:
                phase = .connecting
                return [.connect]
            case .binding(_, let deadline) where now >= deadline:
                closeReason = "no bind response within \(Int(configuration.responseTimeout))s"
                return [.close]
            case .unbinding(_, let deadline) where now >= deadline:
                return [.close]
            case .bound:
                if let e = enquiry, now >= e.deadline {
                    closeReason = "enquire_link unanswered for \(Int(configuration.responseTimeout))s"
                    return [.close]
                }
                if enquiry == nil, now >= lastReceived + configuration.enquireLinkInterval {
                    let sequence = takeSequence()
                    enquiry = (sequence, now + configuration.responseTimeout)
                    actions.append(.send(PDU(.enquireLink, sequence: sequence)))
                }
            default:
                break
            }
            for (sequence, entry) in outstanding where now >= entry.deadline {
                outstanding[sequence] = nil
                actions += resolve(entry.part, .uncertain("no submit_sm_resp within \(Int(configuration.responseTimeout))s"))
            }
            actions += flush(now: now)
            return actions
        }

        // MARK: Hand-overs

        /// Queues the parts of one message (in order); they go out as the window allows.
        public mutating func submit(_ token: Token, parts: [ShortMessage], now: Date) -> [Action] {
            precondition(!parts.isEmpty && submissions[token] == nil)
            switch phase {
            case .idle, .connecting, .binding, .bound:
                // Before the first bind, messages wait for it (the daemon starts sending at once).
                guard !stopping else { return [.complete(token, .notSent("remindd is stopping"))] }
            case .refused:
                return [.complete(token, .notSent("the SMSC refused the bind (\(lastRefusal.map { "\($0)" } ?? "refused"))"))]
            default:
                return [.complete(token, .notSent("the link to the SMSC is down"))]
            }
            submissions[token] = Submission(total: parts.count)
            queue += parts.enumerated().map { Part(token: token, index: $0, body: $1) }
            return flush(now: now)
        }

        /// The hand-over's caller is stopping (the delivery service at a graceful stop): a
        /// message none of whose parts was written, waiting for room in the window or for
        /// the bind, is given back `notSent` and never written; one with a part written goes
        /// on (its answer, and its other parts as the window allows), so that it is not left
        /// half sent.
        public mutating func withdraw(_ token: Token, reason: String) -> [Action] {
            guard let s = submissions[token], s.written.isEmpty else { return [] }
            submissions[token] = nil
            queue.removeAll { $0.token == token }
            return [.complete(token, .notSent(reason))]
        }

        /// The hand-over's caller gave up (stop deadline): a message any part of which was
        /// written is `uncertain`; one never written fails `temporary`.
        public mutating func cancel(_ token: Token, now: Date) -> [Action] {
            guard let s = submissions.removeValue(forKey: token) else { return [] }
            queue.removeAll { $0.token == token }
            for (sequence, entry) in outstanding where entry.part.token == token { outstanding[sequence] = nil }
            if s.written.isEmpty { return [.complete(token, .notSent("cancelled before it was sent"))] }
            return [.complete(token, .uncertain("cancelled while the SMSC had it"))]
        }

        // MARK: Inbound

        public mutating func received(_ frame: InboundFrame, now: Date) -> [Action] {
            lastReceived = now
            let pdu: PDU
            switch frame {
            case .invalid(let id, let sequence, let status):
                if id.isResponse {
                    if let entry = outstanding.removeValue(forKey: sequence) {
                        return resolve(entry.part, .uncertain("unreadable submit_sm_resp (\(status))")) + flush(now: now)
                    }
                    return []
                }
                return [.send(PDU(.genericNack, sequence: sequence, status: status))]
            case .pdu(let p):
                pdu = p
            }
            switch pdu.command {
            case .bindResp:
                guard case .binding(let sequence, _) = phase, sequence == pdu.sequence else { return [] }
                if pdu.status == .ok {
                    phase = .bound
                    failures = 0
                    lastRefusal = nil
                    linkIsUp = true
                    return [.link(.up)] + flush(now: now)
                }
                if pdu.status.refusesBind {
                    phase = .refused(until: now + configuration.refusedRetry)
                    var actions: [Action] = []
                    if lastRefusal != pdu.status { actions.append(.refused(pdu.status)) }
                    lastRefusal = pdu.status
                    linkIsUp = false
                    actions.append(.link(.refused(reason: "bind refused: \(pdu.status)")))
                    return actions + abandonQueue(reason: "the SMSC refused the bind (\(pdu.status))") + [.close]
                }
                closeReason = "bind failed: \(pdu.status)"
                return [.close]
            case .submitSMResp(let messageID):
                guard let entry = outstanding.removeValue(forKey: pdu.sequence) else { return [] }
                return answer(entry.part, status: pdu.status, messageID: messageID, now: now) + flush(now: now)
            case .genericNack:
                if let e = enquiry, e.sequence == pdu.sequence { enquiry = nil }
                guard let entry = outstanding.removeValue(forKey: pdu.sequence) else { return [] }
                let status = pdu.status == .ok ? CommandStatus.unknownError : pdu.status
                return answer(entry.part, status: status, messageID: "", now: now) + flush(now: now)
            case .deliverSM(let m):
                return [.deliver(sequence: pdu.sequence, m)]
            case .enquireLink:
                return [.send(PDU(.enquireLinkResp, sequence: pdu.sequence))]
            case .enquireLinkResp:
                if let e = enquiry, e.sequence == pdu.sequence { enquiry = nil }
                return []
            case .unbind:
                closeReason = "the SMSC unbound"
                return [.send(PDU(.unbindResp, sequence: pdu.sequence)), .close]
            case .unbindResp:
                guard case .unbinding = phase else { return [] }
                return [.close]
            case .bind, .submitSM:
                return [.send(PDU(.genericNack, sequence: pdu.sequence, status: .invalidCommandID))]
            case .deliverSMResp:
                return []
            }
        }

        // MARK: Internals

        private mutating func takeSequence() -> UInt32 {
            let s = nextSequence
            nextSequence = nextSequence >= 0x7FFF_FFFF ? 1 : nextSequence + 1
            return s
        }

        private mutating func answer(_ part: Part, status: CommandStatus, messageID: String, now: Date) -> [Action] {
            if status == .ok {
                throttleDelay = configuration.throttleInitial
                return resolve(part, .accepted(reference: messageID))
            }
            if status.isThrottling, submissions[part.token] != nil {
                // Not taken: written again after a pause (the SMSC said so, it has no copy).
                submissions[part.token]?.written.remove(part.index)
                queue.insert(part, at: 0)
                throttledUntil = now + throttleDelay
                throttleDelay = min(configuration.throttleMaximum, throttleDelay * 2)
                return []
            }
            if status.isPermanentSubmitFailure { return resolve(part, .permanent("the SMSC rejected it: \(status)")) }
            return resolve(part, .temporary("the SMSC answered \(status)"))
        }

        /// Records a part's outcome; completes the message once every part has one.
        private mutating func resolve(_ part: Part, _ outcome: Outcome) -> [Action] {
            guard var s = submissions[part.token] else { return [] }
            s.results[part.index] = outcome
            if case .accepted = outcome {} else if !s.abandoned {
                s.abandoned = true
                // The message failed: the parts not yet written never will be.
                let dropped = queue.filter { $0.token == part.token }
                queue.removeAll { $0.token == part.token }
                let droppedOutcome: Outcome = if case .notSent = outcome { outcome } else { .temporary("not sent: another part failed") }
                for d in dropped { s.results[d.index] = droppedOutcome }
            }
            submissions[part.token] = s
            guard s.results.count == s.total else { return [] }
            submissions[part.token] = nil
            return [.complete(part.token, Self.combine(s))]
        }

        static func combine(_ s: Submission) -> Outcome {
            let outcomes = (0..<s.total).compactMap { s.results[$0] }
            var references: [String] = []
            var uncertain: String?, permanent: String?, temporary: String?, notSent: String?
            for o in outcomes {
                switch o {
                case .accepted(let r, _): references.append(r)
                case .uncertain(let m): uncertain = uncertain ?? m
                case .permanent(let m): permanent = permanent ?? m
                case .temporary(let m): temporary = temporary ?? m
                case .notSent(let m): notSent = notSent ?? m
                }
            }
            if references.count == s.total { return .accepted(reference: references[0], parts: Array(references.dropFirst())) }
            if let m = uncertain { return .uncertain(s.total > 1 ? "part of a \(s.total)-part message: \(m)" : m) }
            if !references.isEmpty {
                return .uncertain("\(references.count) of \(s.total) parts were accepted: \(permanent ?? temporary ?? notSent ?? "")")
            }
            if let m = permanent { return .permanent(m) }
            if let m = temporary { return .temporary(m) }
            return .notSent(notSent ?? "not sent")
        }

        /// Writes queued parts while the window, the throttle pause and the rate allow.
        private mutating func flush(now: Date) -> [Action] {
            guard phase == .bound, !stopping else { return [] }
            var actions: [Action] = []
            if let t = throttledUntil {
                if now < t { return [] }
                throttledUntil = nil
            }
            while !queue.isEmpty, outstanding.count < configuration.window {
                if let t = nextWriteAt, now < t { break }
                let part = queue.removeFirst()
                let sequence = takeSequence()
                outstanding[sequence] = (part, now + configuration.responseTimeout)
                submissions[part.token]?.written.insert(part.index)
                actions.append(.send(PDU(.submitSM(part.body), sequence: sequence)))
                if let rate = configuration.throughput, rate > 0 { nextWriteAt = now + 1 / rate }
            }
            return actions
        }

        /// Gives back every queued message that has nothing written (`notSent`), or settles it.
        private mutating func abandonQueue(reason: String) -> [Action] {
            var actions: [Action] = []
            let parts = queue
            queue.removeAll()
            for part in parts { actions += resolve(part, .notSent(reason)) }
            return actions
        }

        private mutating func linkLost(reason: String, now: Date) -> [Action] {
            closeReason = nil
            enquiry = nil
            throttledUntil = nil
            nextWriteAt = nil
            var actions: [Action] = []
            let lost = outstanding.values.sorted { $0.part.index < $1.part.index }
            outstanding.removeAll()
            for entry in lost {
                actions += resolve(entry.part, .uncertain("the link to the SMSC was lost before its submit_sm_resp (\(reason))"))
            }
            actions += abandonQueue(reason: "the link to the SMSC is down (\(reason))")
            if stopping {
                phase = .stopped
                return actions + [.stopped]
            }
            if case .refused = phase { return actions }
            failures += 1
            let base = min(configuration.reconnectMaximum, configuration.reconnectInitial * pow(2, Double(min(failures - 1, 30))))
            let delay = base * (0.5 + 0.5 * min(1, max(0, jitter())))
            phase = .waitingToConnect(until: now + delay)
            if linkIsUp || failures == 1 { actions.append(.link(.down(reason: reason))) }
            linkIsUp = false
            return actions
        }
    }
}
