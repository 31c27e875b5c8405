import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
public import RemindCore
public import RemindDelivery
public import ServiceLifecycle
import Synchronization
import RemindText

/// The HTTP gateway provider: a ``Provider`` that hands each message to Kannel's sendsms
/// or a REST gateway, and a `Service` that owns the connection pool (closed at shutdown).
///
/// Up to ``concurrency`` requests run at once on one `HTTPClient` (one pool; a second
/// client with the proxy when one is configured, so `no_proxy` hosts go direct). Every
/// request has the connect timeout and a deadline of the request timeout. How a failure
/// reads:
/// - no connection (refused, unreachable, connect timeout, the proxy refused CONNECT or
///   our credentials), or any error before the request's last octet was written: temporary;
/// - the request written, then a reset, a close or the deadline before the answer: uncertain;
/// - an answer: as the flavour reads it (``KannelRequest/classify(_:id:)``,
///   ``AnswerRules/classify(_:fallbackReference:)``).
///
/// Receipts and replies come from the ``CallbackListener`` through ``receive(_:)``: with a
/// listener configured, ``events`` carries them to the delivery service, and the listener
/// answers the gateway only once ``handled(_:stored:)`` says they are durable.
public final class HTTPGatewayProvider: Provider, Service, Sendable {
    public let settings: HTTPGatewaySettings
    public let name: String
    public let events: AsyncStream<GatewayEvent>?
    private let continuation: AsyncStream<GatewayEvent>.Continuation
    private let direct: HTTPClient
    private let proxied: HTTPClient?
    private let logger: Logger
    private let pending = Mutex<[GatewayEvent: [CheckedContinuation<Bool, Never>]]>([:])
    private let acceptedObservers = Mutex<[@Sendable () -> Void]>([])

    /// `reportsEvents`: whether receipts or replies will come (a listener is configured);
    /// without, ``events`` is nil and the daemon keeps no reference index for this provider.
    public init(settings: HTTPGatewaySettings, reportsEvents: Bool = false, logger: Logger) {
        self.settings = settings
        self.name = settings.name
        self.logger = logger
        let (stream, continuation) = AsyncStream.makeStream(of: GatewayEvent.self)
        self.events = reportsEvents ? stream : nil
        self.continuation = continuation
        self.direct = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration(settings, proxy: nil))
        self.proxied = settings.proxy.map { HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration(settings, proxy: $0)) }
    }

    static func configuration(_ s: HTTPGatewaySettings, proxy: HTTPGatewaySettings.Proxy?) -> HTTPClient.Configuration {
        var c = HTTPClient.Configuration()
        c.timeout = .init(connect: .nanoseconds(Int64(s.connectTimeout.nanoseconds)), read: .nanoseconds(Int64(s.requestTimeout.nanoseconds)))
        c.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: s.concurrency)
        c.redirectConfiguration = .disallow
        c.decompression = .disabled
        c.httpVersion = .http1Only
        if let ca = s.tlsCAFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            tls.trustRoots = .file(ca)
            c.tlsConfiguration = tls
        }
        if let proxy {
            let authorization = proxy.username.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            c.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        return c
    }

    public var concurrency: Int { settings.concurrency }

    // MARK: Provider

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
        let request: HTTPClient.Request
        do { request = try makeRequest(message) } catch {
            throw DeliveryError(.permanent, "cannot make the request: \(error)")
        }
        let (answer, viaProxy) = try await perform(request)
        if viaProxy, let refusal = proxyRefusal(answer) { throw DeliveryError(.temporary, refusal) }
        let verdict: HTTPVerdict = switch settings.flavour {
        case .kannel: KannelRequest.classify(answer, id: message.id)
        case .rest(let rest): rest.answer.classify(answer, fallbackReference: Self.reference(for: message.id))
        }
        switch verdict {
        case .sent(let reference):
            for observer in acceptedObservers.withLock({ $0 }) { observer() }
            return DeliveryResult(reference: reference)
        case .failed(var error, let retryAfter):
            error.retryAfter = retryAfter
            throw error
        }
    }

    /// Whether the proxy (not the gateway) refused the request: 407, or tinyproxy's 401 for
    /// a wrong password (tinyproxy 1.11 answers a missing one with 407 and a wrong one with
    /// 401 and `Server: tinyproxy`); the reason names the proxy and its status.
    func proxyRefusal(_ answer: HTTPAnswer) -> String? {
        let fromProxy = answer.status == 407
            || (answer.status == 401 && (answer.header("Proxy-Authenticate") != nil || answer.header("Server")?.lowercased().hasPrefix("tinyproxy") == true))
        return fromProxy ? proxyRefused(status: answer.status) : nil
    }

    /// Calls `observer` after each accepted hand-over (the balance monitor counts them).
    public func onAccepted(_ observer: @escaping @Sendable () -> Void) {
        acceptedObservers.withLock { $0.append(observer) }
    }

    /// remindd's reference for a message when the gateway gives no id of its own.
    public static func reference(for id: MessageID) -> String { "h\(id.rawValue)" }

    /// The values REST templates see for `message`.
    public static func values(for message: OutgoingMessage, settings: HTTPGatewaySettings, secrets: [String: String]) -> [String: String] {
        var values = secrets
        values["to"] = message.recipient
        values["to_digits"] = message.recipient.hasPrefix("+") ? String(message.recipient.dropFirst()) : message.recipient
        values["text"] = message.text
        values["id"] = "\(message.id.rawValue)"
        values["encoding"] = message.encoding == .ucs2 ? "ucs2" : "gsm7"
        values["unicode"] = message.encoding == .ucs2 ? "true" : "false"
        values["segments"] = "\(message.segments)"
        if let receipts = settings.receipts {
            let reference = reference(for: message.id)
            values["callback_url"] = receipts.callbackBase + "/http/receipt?id=\(reference)&token=\(receipts.token.token(for: reference))"
        }
        return values
    }

    private func makeRequest(_ message: OutgoingMessage) throws -> HTTPClient.Request {
        switch settings.flavour {
        case .kannel(let k):
            return try HTTPClient.Request(url: KannelRequest.url(for: message, settings: k), method: .GET)
        case .rest(let rest):
            let rendered = try rest.request.render(Self.values(for: message, settings: settings, secrets: rest.secrets))
            var headers = HTTPHeaders()
            for (name, value) in rendered.headers { headers.add(name: name, value: value) }
            return try HTTPClient.Request(url: rendered.url, method: HTTPMethod(rawValue: rest.method), headers: headers,
                                          body: rendered.body.map { .bytes($0) })
        }
    }

    /// Runs `request` on the pool its host calls for; an error is temporary before the
    /// request was written whole, uncertain after.
    func perform(_ request: HTTPClient.Request) async throws(DeliveryError) -> (HTTPAnswer, viaProxy: Bool) {
        let viaProxy = settings.proxy.map { !$0.bypasses(request.host) } ?? false
        let client = viaProxy ? proxied! : direct
        let collector = AnswerCollector(limit: settings.maximumAnswerBytes)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(settings.requestTimeout.nanoseconds))
        // The delegate on the connection's own event loop: its "request sent" is then seen
        // before any error the same connection reads later (a reset after the body). On
        // different loops the two could be reordered, and a reset taken for "nothing sent".
        let loop = client.eventLoopGroup.next()
        let task = client.execute(request: request, delegate: collector, eventLoop: .delegateAndChannel(on: loop), deadline: deadline)
        do {
            return (try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }, viaProxy)
        } catch {
            let sent = collector.requestSent
            logger.debug("gateway request failed", metadata: [
                LogKey.provider: "\(name)", LogKey.error: "\(Self.describe(error))", "request_sent": "\(sent)",
            ])
            if let e = error as? HTTPClientError, e == .proxyAuthenticationRequired {
                throw DeliveryError(.temporary, proxyRefused(status: 407))
            }
            if let e = error as? HTTPClientError, e == .invalidProxyResponse, let proxy = settings.proxy {
                // AsyncHTTPClient does not say which status: the proxy is asked once more.
                let target = "\(request.host):\(request.port)"
                let answer = await ProxyConnectAnswer.statusLine(proxy: proxy, target: target, timeout: settings.connectTimeout)
                throw DeliveryError(.temporary, connectRefused(answer, target: target))
            }
            if !sent {
                let where_ = viaProxy ? "the proxy \(settings.proxy!.host):\(settings.proxy!.port) for \(settings.target)" : settings.target
                throw DeliveryError(.temporary, "cannot reach \(where_): \(Self.describe(error)) (nothing was sent)")
            }
            throw DeliveryError(.uncertain, "the request went to \(settings.target) but no answer came (\(Self.describe(error))): the gateway may have the message")
        }
    }

    /// A proxy's refusal of `CONNECT target` with a status other than 200 and 407.
    private func connectRefused(_ answer: ProxyConnectAnswer.StatusLine?, target: String) -> String {
        let proxy = settings.proxy.map { "\($0.host):\($0.port)" } ?? "?"
        switch answer?.code {
        case 401?, 407?:
            return proxyRefused(status: answer!.code, said: answer!.description)
        case let code?:
            return "the proxy \(proxy) refused to CONNECT to \(target) (\(answer!.description)\(code == 403 ? ": its rules may not allow this host or port" : "")); nothing was sent"
        case nil:
            return "the proxy \(proxy) refused to CONNECT to \(target) with a status other than 407, which it did not give again (tinyproxy answers a wrong password with 401): check proxy_user and the proxy password credential; nothing was sent"
        }
    }

    private func proxyRefused(status: Int, said: String? = nil) -> String {
        let proxy = settings.proxy.map { "\($0.host):\($0.port)" } ?? "?"
        let what = status == 407 ? "407 Proxy Authentication Required" : "\(said ?? "\(status)"), as tinyproxy answers a wrong password"
        return "the proxy \(proxy) refused our credentials (\(what)): check proxy_user and the proxy password credential; nothing was sent"
    }

    /// An error in a few words (AsyncHTTPClient's own descriptions, NIO's errno names).
    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return "connect timeout"
            case .deadlineExceeded, .readTimeout: return "timed out"
            case .remoteConnectionClosed: return "the connection was closed"
            case .cancelled: return "cancelled"
            default: return "\(e)"
            }
        }
        return "\(error)"
    }

    // MARK: Events (from the listener)

    /// Hands an event to the delivery service; returns whether it was stored durably
    /// (false when no one consumes events or the provider has stopped).
    public func receive(_ event: GatewayEvent) async -> Bool {
        guard events != nil else { return false }
        return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            pending.withLock { $0[event, default: []].append(c) }
            if case .terminated = continuation.yield(event) {
                pending.withLock { p in
                    guard var list = p[event], !list.isEmpty else { return nil as CheckedContinuation<Bool, Never>? }
                    let first = list.removeLast()
                    p[event] = list.isEmpty ? nil : list
                    return first
                }?.resume(returning: false)
            }
        }
    }

    public func handled(_ event: GatewayEvent, stored: Bool) async {
        let waiter = pending.withLock { p -> CheckedContinuation<Bool, Never>? in
            guard var list = p[event], !list.isEmpty else { return nil }
            let first = list.removeFirst()
            p[event] = list.isEmpty ? nil : list
            return first
        }
        waiter?.resume(returning: stored)
    }

    /// Closes the pools at once (for a provider never run as a service: the probe).
    func shutdownClients() {
        try? direct.syncShutdown()
        try? proxied?.syncShutdown()
    }

    // MARK: Service

    public func run() async throws {
        try? await gracefulShutdown()
        continuation.finish()
        let waiting = pending.withLock { p in
            defer { p = [:] }
            return p.values.flatMap { $0 }
        }
        for waiter in waiting { waiter.resume(returning: false) }
        try? await direct.shutdown()
        try? await proxied?.shutdown()
    }
}

extension HTTPGatewaySettings {
    var receipts: Receipts? {
        switch flavour {
        case .kannel(let k): k.receipts
        case .rest(let r): r.receipts
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
