import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RemindCore
public import RemindDelivery
import Synchronization
public import ServiceLifecycle

/// The listener for receipts and replies over HTTP (off by default): Kannel's dlr-url and
/// sms-service get-url, a REST gateway's webhooks. It binds to loopback or a Unix socket,
/// meant to sit behind the site's reverse proxy; each request is read whole up to
/// ``Settings/maximumRequestBytes`` (more: 413) within ``Settings/requestTimeout`` (else
/// the connection is closed), routed by ``CallbackRouter``, and answered only once the
/// delivery service says the event is stored (200; 503 when it could not be, so the
/// gateway tries again). A request without the right token or secret gets 403 and one
/// journal line with the path and the peer, never the query (tokens, numbers).
public final class CallbackListener: Service, Sendable {
    public struct Settings: Sendable {
        public enum Address: Sendable, Hashable, CustomStringConvertible {
            case tcp(host: String, port: Int)
            case unix(path: String)

            public var description: String {
                switch self {
                case .tcp(let host, let port): "\(host):\(port)"
                case .unix(let path): "unix:\(path)"
                }
            }
        }

        public var address: Address
        public var maximumRequestBytes = 16 << 10
        public var requestTimeout: Duration = .seconds(10)
        /// At most this many connections at once; more are closed at once.
        public var maximumConnections = 64

        public init(address: Address) { self.address = address }
    }

    public let settings: Settings
    private let router: CallbackRouter
    private let sink: @Sendable (GatewayEvent) async -> Bool
    private let logger: Logger
    /// Connections waiting for their next request (closed at once at shutdown), and whether
    /// shutdown began (answers then close their connection).
    private let idle = Mutex<(stopping: Bool, channels: [ObjectIdentifier: any Channel])>((false, [:]))

    /// `sink` hands an event to the daemon and returns whether it was stored
    /// (``HTTPGatewayProvider/receive(_:)``).
    public init(settings: Settings, router: CallbackRouter, logger: Logger, sink: @escaping @Sendable (GatewayEvent) async -> Bool) {
        self.settings = settings
        self.router = router
        self.sink = sink
        self.logger = logger
    }

    public func run() async throws {
        let limit = settings.maximumRequestBytes
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
            }
        }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        switch settings.address {
        case .tcp(let host, let port):
            server = try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        case .unix(let path):
            server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
        }
        logger.info("callback listener started", metadata: [LogKey.path: "\(settings.address)"])
        let open = ManagedCounter()
        try await withGracefulShutdownHandler {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        guard open.increment(max: settings.maximumConnections) else {
                            try? await connection.channel.close()
                            continue
                        }
                        group.addTask {
                            defer { open.decrement() }
                            await self.serve(connection, limit: limit)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
            let waiting = self.idle.withLock { state in
                state.stopping = true
                return Array(state.channels.values)
            }
            for channel in waiting { channel.close(promise: nil) }
        }
    }

    /// One connection: requests one after another (keep-alive), each within the time limit.
    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, limit: Int) async {
        let timeout = settings.requestTimeout
        let peer = connection.channel.remoteAddress.map { "\($0)" } ?? "unix"
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while true {
                    // Too slow to send its request: the connection is closed, which ends the read.
                    let channel = connection.channel
                    let key = ObjectIdentifier(channel)
                    let stopping = idle.withLock { state in
                        if !state.stopping { state.channels[key] = channel }
                        return state.stopping
                    }
                    if stopping { return }
                    let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { channel.close(promise: nil) }
                    let request = try await Self.read(&parts, limit: limit)
                    timer.cancel()
                    idle.withLock { _ = $0.channels.removeValue(forKey: key) }
                    guard let request else { return }  // the client closed, or too slow: drop it
                    let (status, body) = await answer(request, peer: peer)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
                    headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                    let keepAlive = request.keepAlive && status != .payloadTooLarge && !idle.withLock { $0.stopping }
                    if !keepAlive { headers.add(name: "Connection", value: "close") }
                    try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
                    try await outbound.write(.end(nil))
                    if !keepAlive { return }
                }
            }
        } catch {
            logger.debug("callback connection ended", metadata: [LogKey.error: "\(error)"])
        }
    }

    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]
        var keepAlive: Bool
        var tooLarge: Bool
    }

    /// The next whole request (nil when the connection ends first); a body over `limit` is
    /// drained and marked too large.
    private static func read(_ parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator, limit: Int) async throws -> Request? {
        var request: Request?
        while let part = try await parts.next() {
            switch part {
            case .head(let head):
                request = Request(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: [],
                                  keepAlive: head.isKeepAlive, tooLarge: head.uri.utf8.count > limit)
            case .body(let buffer):
                guard request != nil else { continue }
                if request!.body.count + buffer.readableBytes > limit { request!.tooLarge = true } else { request!.body += buffer.readableBytesView }
            case .end:
                return request
            }
        }
        return nil
    }

    private func answer(_ request: Request, peer: String) async -> (HTTPResponseStatus, String) {
        if request.tooLarge { return (.payloadTooLarge, "too large\n") }
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        switch router.route(method: request.method, uri: request.uri, headers: request.headers, body: request.body, now: Date()) {
        case .event(let event):
            return await sink(event) ? (.ok, "OK\n") : (.serviceUnavailable, "not stored; try again\n")
        case .acknowledge:
            return (.ok, "OK\n")
        case .forbidden(let reason):
            logger.warning("callback refused", metadata: [
                LogKey.messageID: "\(EventID.callbackRefused.rawValue)", LogKey.path: "\(PhoneMask.maskNumbers(in: String(path.prefix(64))))",
                LogKey.reason: "\(reason)", "peer": "\(peer)",
            ])
            return (.forbidden, "forbidden\n")
        case .badRequest(let reason):
            return (.badRequest, reason + "\n")
        case .notFound:
            return (.notFound, "not found\n")
        }
    }
}

/// Open connections, bounded.
final class ManagedCounter: Sendable {
    private let value = Mutex(0)
    func increment(max: Int) -> Bool {
        value.withLock { v in
            guard v < max else { return false }
            v += 1
            return true
        }
    }
    func decrement() { value.withLock { $0 -= 1 } }
}
