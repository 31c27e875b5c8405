import Foundation
public import Logging
public import NIOCore
import NIOPosix
public import NIOSSL
public import RemindCore
public import RemindDelivery
public import ServiceLifecycle
import Synchronization

/// The SMPP provider: a ``Provider`` for the delivery service and a `Service` that keeps
/// the link to the SMSC (connect, bind, enquire_link, reconnect, unbind at stop).
///
/// All decisions are the ``SMPPSession/StateMachine``'s; this class performs its actions on
/// a NIO channel (`PDUDecoder`, `PDUEncoder`, ``SessionHandler``) and sleeps on an injected
/// ``Sleeper`` until the machine's next deadline. ``send(_:)`` queues the message's parts
/// and waits for their outcome; deliver_sm becomes a ``GatewayEvent`` on ``events`` and is
/// answered with deliver_sm_resp only when ``handled(_:stored:)`` says it is durable.
///
/// Run it in the service group *before* the delivery service, so that at shutdown the
/// delivery service stops first and the link unbinds after the last hand-over's answer.
public final class SMPPProvider: Provider, Service, Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var session: SMPPSession.Configuration
        public var submit: SubmitOptions
        public var maximumPDULength = 70_000
        /// TLS to the SMSC when set (certificate and host name verified as the context says).
        public var tls: NIOSSLContext?
        /// `bind = "transmitter+receiver"`: submits go on the session's link (bound as
        /// transmitter) and a second link, bound as receiver with the same account, takes
        /// the receipts and replies; each link connects, binds and reconnects on its own.
        public var receiverLink = false
        /// Where the parts of a reply that came before its last are kept (the daemon: the
        /// spool's `state/smpp-reply-parts/`); nil keeps them in memory only, and a restart
        /// before the last part comes loses the parts already answered.
        public var replyParts: ReplyPartStore?

        public init(host: String, port: Int, session: SMPPSession.Configuration, submit: SubmitOptions, tls: NIOSSLContext? = nil) {
            self.host = host
            self.port = port
            self.session = session
            self.submit = submit
            self.tls = tls
        }

        /// A client TLS context that verifies the SMSC's certificate (chain and host name)
        /// against `caFile` (PEM), or the system's trust store when nil.
        public static func tlsContext(caFile: String?) throws -> NIOSSLContext {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            if let caFile { configuration.trustRoots = .file(caFile) }
            return try NIOSSLContext(configuration: configuration)
        }
    }

    private struct Acknowledgement {
        var link: Int
        var sequence: UInt32
        var generation: Int
    }

    /// One connection to the SMSC and its session.
    private struct Link {
        var machine: SMPPSession.StateMachine
        var channel: (any Channel)?
        var generation = 0
        var lastError: String?
    }

    /// The link submits go on (a transceiver or a transmitter); a receiver link, when
    /// configured, is the next.
    private static let submitting = 0

    private struct State {
        var links: [Link]
        var waiters: [SMPPSession.Token: CheckedContinuation<SMPPSession.Outcome, Never>] = [:]
        var nextToken: SMPPSession.Token = 0
        var acknowledgements: [GatewayEvent: [Acknowledgement]] = [:]
        /// Replies that come in parts, joined before they become events.
        var assembler = ReplyAssembler()
        /// The kept sets each joined reply came from: their files go once it is durable.
        var partSets: [GatewayEvent: [ReplyAssembler.SetID]] = [:]
        /// The deadline the service's loop sleeps until (`.distantFuture` for none), set
        /// under the lock with the deadline it computed; nil while it is awake (it computes
        /// the deadline afresh before it sleeps again).
        var sleepingUntil: Date?

        /// When the loop must tick next: the earliest deadline of every link and of the
        /// reply assembler.
        var nextDeadline: Date? {
            var next = assembler.nextDeadline
            for link in links {
                if let d = link.machine.nextDeadline, next.map({ d < $0 }) ?? true { next = d }
            }
            return next
        }
    }

    public let name = "smpp"
    public let settings: Settings
    public let events: AsyncStream<GatewayEvent>?
    private let continuation: AsyncStream<GatewayEvent>.Continuation
    private let clock: any WallClock
    private let sleeper: any Sleeper
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>

    public init(settings: Settings, clock: any WallClock, sleeper: any Sleeper, logger: Logger,
                group: (any EventLoopGroup)? = nil,
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.settings = settings
        self.clock = clock
        self.sleeper = sleeper
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
        self.logger = logger
        let (stream, continuation) = AsyncStream.makeStream(of: GatewayEvent.self)
        self.events = stream
        self.continuation = continuation
        var links = [Link(machine: SMPPSession.StateMachine(configuration: settings.session, jitter: jitter))]
        if settings.receiverLink {
            var receiver = settings.session
            receiver.bind.mode = .receiver
            links.append(Link(machine: SMPPSession.StateMachine(configuration: receiver, jitter: jitter)))
        }
        self.state = Mutex(State(links: links))
    }

    /// One more hand-over than the window: the delivery service keeps this many in flight,
    /// so one message is always queued here, and the event loop writes its submit_sm the
    /// moment an answer frees the window (no hand-off to the task pool and back between an
    /// answer and the next submit). At most `window` submits are ever outstanding; the
    /// queued one has nothing written, so a link lost, or the delivery service's graceful
    /// stop, gives it back as not sent.
    public var concurrency: Int { settings.session.window + 1 }

    /// Whether the link (both links, with a receiver link) is bound now (for tests).
    public var isBound: Bool { state.withLock { $0.links.allSatisfy(\.machine.isBound) } }

    // MARK: Provider

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
        let parts = SubmitEncoder.submits(for: message, options: settings.submit, reference: UInt8(truncatingIfNeeded: message.id.rawValue))
        guard parts.count <= 255 else { throw DeliveryError(.permanent, "the text needs \(parts.count) parts; SMPP concatenation allows 255") }
        guard !Task.isCancelled else { throw DeliveryError(.notSent, "cancelled before it was sent") }
        let token = state.withLock { s in
            s.nextToken += 1
            return s.nextToken
        }
        // The caller's graceful stop (the delivery service's, inherited by its child tasks)
        // gives the message back if nothing of it is written yet: the one waiting beyond the
        // window is not written when an answer frees it during the stop's grace.
        let outcome = await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<SMPPSession.Outcome, Never>) in
                    let actions = state.withLock { s in
                        s.waiters[token] = c
                        return s.links[Self.submitting].machine.submit(token, parts: parts, now: clock.now)
                    }
                    perform(actions, link: Self.submitting)
                    wakeIfSooner()
                    // A stop that began before the submit: its handler found nothing to give back.
                    if Task.isShuttingDownGracefully { withdraw(token) }
                }
            } onCancel: {
                perform(state.withLock { $0.links[Self.submitting].machine.cancel(token, now: clock.now) }, link: Self.submitting)
            }
        } onGracefulShutdown: { [self] in
            withdraw(token)
        }
        switch outcome.result {
        case .success(let result):
            return DeliveryResult(reference: settings.submit.canonicalMessageID(result.reference, receipt: false),
                                  partReferences: result.partReferences.map { settings.submit.canonicalMessageID($0, receipt: false) })
        case .failure(let error): throw error
        }
    }

    /// Gives a hand-over back `notSent` if nothing of it is written (see
    /// ``SMPPSession/StateMachine/withdraw(_:reason:)``).
    private func withdraw(_ token: SMPPSession.Token) {
        perform(state.withLock { $0.links[Self.submitting].machine.withdraw(token, reason: "remindd is stopping") }, link: Self.submitting)
    }

    public func handled(_ event: GatewayEvent, stored: Bool) async {
        // The kept parts the reply came from: their files go once it is durable. Not stored,
        // the last part is asked for again and completes the set anew, so the entry goes
        // either way.
        let set = state.withLock { s -> ReplyAssembler.SetID? in
            guard var list = s.partSets[event], !list.isEmpty else { return nil }
            let set = list.removeFirst()
            s.partSets[event] = list.isEmpty ? nil : list
            return set
        }
        if stored, let set, let store = settings.replyParts {
            do { try store.remove(set) } catch {
                logger.error("cannot remove a reply's kept parts", metadata: [
                    LogKey.messageID: "\(EventID.spoolError.rawValue)", LogKey.provider: "smpp", LogKey.path: "\(store.directory)",
                    LogKey.error: "\(error)",
                ])
            }
        }
        let target: (any Channel, UInt32)? = state.withLock { s in
            guard var list = s.acknowledgements[event], !list.isEmpty else { return nil }
            let ack = list.removeFirst()
            s.acknowledgements[event] = list.isEmpty ? nil : list
            guard ack.generation == s.links[ack.link].generation, let channel = s.links[ack.link].channel else { return nil }
            return (channel, ack.sequence)
        }
        guard let (channel, sequence) = target else { return }
        // ESME_RX_T_APPN asks the SMSC to deliver it again later.
        channel.writeAndFlush(PDU(.deliverSMResp, sequence: sequence, status: stored ? .ok : .temporaryAppError), promise: nil)
    }

    // MARK: Service

    public func run() async throws {
        let count = state.withLock { $0.links.count }
        restoreReplyParts()
        for link in 0..<count { perform(state.withLock { $0.links[link].machine.start(now: clock.now) }, link: link) }
        await withGracefulShutdownHandler {
            while !Task.isCancelled {
                let (stopped, deadline) = state.withLock { s in
                    let deadline = s.nextDeadline
                    s.sleepingUntil = deadline ?? .distantFuture
                    return (s.links.allSatisfy(\.machine.isStopped), deadline)
                }
                if stopped { break }
                let woke = await sleeper.sleep(until: deadline ?? .distantFuture)
                state.withLock { $0.sleepingUntil = nil }
                if woke == .cancelled { break }
                for link in 0..<count { perform(state.withLock { $0.links[link].machine.tick(now: clock.now) }, link: link) }
                // A reply whose parts stopped coming: what came is kept, marked incomplete.
                let expired = state.withLock { s in
                    let expired = s.assembler.expireSets(now: clock.now)
                    if settings.replyParts != nil {
                        for (set, reply) in expired { s.partSets[.inbound(reply), default: []].append(set) }
                    }
                    return expired
                }
                for (_, reply) in expired { continuation.yield(.inbound(reply)) }
            }
        } onGracefulShutdown: { [self] in
            for link in 0..<count { perform(state.withLock { $0.links[link].machine.stop(now: clock.now) }, link: link) }
            sleeper.wake()
        }
        // Stopped (or cancelled): nothing stays open, nobody waits.
        let (channels, tokens) = state.withLock { s in (s.links.compactMap(\.channel), Array(s.waiters.keys)) }
        for channel in channels { channel.close(promise: nil) }
        for token in tokens {
            perform(state.withLock { $0.links[Self.submitting].machine.cancel(token, now: clock.now) }, link: Self.submitting)
        }
        continuation.finish()
    }

    // MARK: Driving the machine

    /// Wakes the service's loop only when the machines now have a deadline before the one
    /// it sleeps until. A submit and its answer usually move no deadline earlier (a new
    /// response timeout lies beyond the oldest outstanding one and the enquire_link time);
    /// waking the loop for each would cost two thread hand-offs and a timer re-arm per PDU.
    /// Call it after the change (the loop reads the deadlines under the same lock).
    private func wakeIfSooner() {
        let sooner = state.withLock { s -> Bool in
            guard let sleeping = s.sleepingUntil, let next = s.nextDeadline else { return false }
            return next < sleeping
        }
        if sooner { sleeper.wake() }
    }

    /// - Parameter flushLater: the caller is the channel's read (on its event loop): PDUs are
    ///   written and flushed together at the read's end (``SessionHandler`` flushes at
    ///   channelReadComplete), so the submits a burst of submit_sm_resp frees go out in one
    ///   write instead of one each.
    private func perform(_ actions: [SMPPSession.Action], link: Int, flushLater: Bool = false) {
        var unflushed: (any Channel)?
        for action in actions {
            logger.trace("smpp action", metadata: [LogKey.provider: "smpp", "link": "\(link)", "action": "\(Self.describe(action))"])
            switch action {
            case .connect:
                connect(link: link)
            case .send(let pdu):
                guard let channel = state.withLock({ $0.links[link].channel }) else { break }
                if flushLater {
                    channel.write(pdu, promise: nil)
                    unflushed = channel
                } else {
                    channel.writeAndFlush(pdu, promise: nil)
                }
            case .close:
                unflushed?.flush()  // an unbind_resp before the close
                unflushed = nil
                state.withLock { $0.links[link].channel }?.close(promise: nil)
            case .complete(let token, let outcome):
                state.withLock { $0.waiters.removeValue(forKey: token) }?.resume(returning: outcome)
            case .deliver(let sequence, let body):
                deliver(sequence: sequence, body, link: link)
            case .link(let linkState) where link == Self.submitting:
                logger.debug("smpp link state", metadata: [LogKey.provider: "smpp", LogKey.state: "\(linkState)"])
                continuation.yield(.link(linkState))
            case .link(let linkState):
                // The receiver link: releases do not wait for it (the engine's link state is the
                // submitting link's); its changes are journalled here.
                let level: Logger.Level = switch linkState {
                case .up: .info
                case .down: .warning
                case .refused: .error
                }
                logger.log(level: level, "smpp receiver link state", metadata: [LogKey.provider: "smpp", LogKey.state: "\(linkState)"])
            case .refused(let status):
                // The engine logs the link refused (once, at err, with this status).
                logger.debug("smpp bind refused", metadata: [LogKey.provider: "smpp", LogKey.reason: "\(status)"])
            case .stopped:
                sleeper.wake()
            }
        }
    }

    /// An action for a trace line: the command and sequence, never a body or a password.
    static func describe(_ action: SMPPSession.Action) -> String {
        switch action {
        case .send(let pdu): "send \(pdu.commandID) seq \(pdu.sequence) status \(pdu.status)"
        case .deliver(let sequence, _): "deliver seq \(sequence)"
        case .complete(let token, let outcome):
            switch outcome {
            case .accepted: "complete \(token) accepted"
            case .temporary(let m), .permanent(let m), .uncertain(let m), .notSent(let m): "complete \(token) \(m)"
            }
        default: "\(action)"
        }
    }

    private func deliver(sequence: UInt32, _ body: ShortMessage, link: Int) {
        let event: GatewayEvent
        switch DeliverDecoder.decode(body, now: clock.now) {
        case .intermediateReceipt:
            state.withLock { $0.links[link].channel }?.writeAndFlush(PDU(.deliverSMResp, sequence: sequence), promise: nil)
            return
        case .receipt(var receipt):
            receipt.reference = settings.submit.canonicalMessageID(receipt.reference, receipt: true)
            event = .receipt(receipt)
        case .inbound(let message):
            switch state.withLock({ $0.assembler.add(body, now: clock.now) }) {
            case .single: event = .inbound(message)
            case .complete(let whole):
                event = .inbound(whole)
                if settings.replyParts != nil, let place = ReplyAssembler.place(of: body) {
                    state.withLock { $0.partSets[event, default: []].append(place.set) }
                }
            case .kept:
                // A part before the last: answered once it is on disk (an SMSC may wait for
                // it before the next part); the last part's answer waits until the whole
                // reply is durable.
                var status = CommandStatus.ok
                if let store = settings.replyParts, let part = state.withLock({ $0.assembler.kept(body) }) {
                    do { try store.save(part) } catch {
                        // Not on disk: the SMSC is asked to deliver it again later.
                        status = .temporaryAppError
                        logger.error("cannot keep a reply's part; the SMSC is asked to send it again", metadata: [
                            LogKey.messageID: "\(EventID.spoolError.rawValue)", LogKey.provider: "smpp", LogKey.path: "\(store.directory)",
                            LogKey.error: "\(error)",
                        ])
                    }
                }
                state.withLock { $0.links[link].channel }?.writeAndFlush(PDU(.deliverSMResp, sequence: sequence, status: status), promise: nil)
                sleeper.wake()  // the set's timeout is a new deadline
                return
            }
        }
        state.withLock { s in
            s.acknowledgements[event, default: []].append(Acknowledgement(link: link, sequence: sequence, generation: s.links[link].generation))
        }
        continuation.yield(event)
    }

    /// Puts the parts kept before a restart back into the assembler.
    private func restoreReplyParts() {
        guard let store = settings.replyParts else { return }
        do {
            try store.prepare()
            let (parts, unreadable) = try store.load()
            state.withLock { s in for part in parts { s.assembler.restore(part) } }
            if !parts.isEmpty {
                logger.info("kept parts of replies restored", metadata: [LogKey.provider: "smpp", "parts": "\(parts.count)"])
            }
            for name in unreadable {
                logger.error("a kept reply part cannot be read; it is left in place", metadata: [
                    LogKey.messageID: "\(EventID.spoolError.rawValue)", LogKey.provider: "smpp", LogKey.path: "\(store.directory)/\(name)",
                ])
            }
        } catch {
            logger.error("cannot read the kept parts of replies", metadata: [
                LogKey.messageID: "\(EventID.spoolError.rawValue)", LogKey.provider: "smpp", LogKey.path: "\(store.directory)",
                LogKey.error: "\(error)",
            ])
        }
    }

    private func connect(link: Int) {
        let generation = state.withLock { s in
            s.links[link].generation += 1
            s.links[link].lastError = nil
            return s.links[link].generation
        }
        let maximumLength = settings.maximumPDULength
        let timeout = TimeAmount.milliseconds(Int64(settings.session.responseTimeout * 1000))
        let tls = settings.tls
        // SNI and the certificate's name: the host name; an address is checked as an IP SAN.
        let isAddress = (try? SocketAddress(ipAddress: settings.host, port: 0)) != nil
        let serverHostname = isAddress ? nil : settings.host
        ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(PDUDecoder(maximumLength: maximumLength)), MessageToByteHandler(PDUEncoder()),
                        SessionHandler(provider: self, link: link, generation: generation))
                }
            }
            .connect(host: settings.host, port: settings.port)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    let actions = state.withLock { s -> [SMPPSession.Action] in
                        guard s.links[link].generation == generation else { return [] }
                        s.links[link].channel = channel
                        return s.links[link].machine.connected(now: clock.now)
                    }
                    channel.closeFuture.whenComplete { [self] _ in closed(link: link, generation: generation) }
                    perform(actions, link: link)
                case .failure(let error):
                    logger.debug("smpp connect failed", metadata: [LogKey.provider: "smpp", LogKey.error: "\(error)"])
                    perform(state.withLock { $0.links[link].machine.connectFailed(reason: "cannot connect: \(error)", now: clock.now) }, link: link)
                }
                sleeper.wake()
            }
    }

    private func closed(link: Int, generation: Int) {
        let actions = state.withLock { s -> [SMPPSession.Action] in
            guard s.links[link].generation == generation else { return [] }
            s.links[link].channel = nil
            return s.links[link].machine.closed(reason: s.links[link].lastError ?? "the SMSC closed the connection", now: clock.now)
        }
        perform(actions, link: link)
        sleeper.wake()
    }

    fileprivate func received(_ frame: InboundFrame, link: Int, generation: Int) {
        let actions = state.withLock { s -> [SMPPSession.Action] in
            guard s.links[link].generation == generation else { return [] }
            return s.links[link].machine.received(frame, now: clock.now)
        }
        perform(actions, link: link, flushLater: true)
        wakeIfSooner()
    }

    fileprivate func failed(_ error: any Error, link: Int, generation: Int) {
        state.withLock { s in
            if s.links[link].generation == generation, s.links[link].lastError == nil { s.links[link].lastError = "\(error)" }
        }
    }
}

/// The last handler of the pipeline: hands each decoded frame to the provider, and closes
/// the channel on any error (a frame length the decoder refused, a reset).
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = InboundFrame

    let provider: SMPPProvider
    let link: Int
    let generation: Int

    init(provider: SMPPProvider, link: Int, generation: Int) {
        self.provider = provider
        self.link = link
        self.generation = generation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        provider.received(unwrapInboundIn(data), link: link, generation: generation)
    }

    /// What the read's PDUs made the session write goes out in one flush.
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        provider.failed(error, link: link, generation: generation)
        context.close(promise: nil)
    }
}
