import CLinux
import Foundation
import Synchronization
import NIOCore
import NIOPosix

/// Serves the control socket until cancelled: reads one JSON request per line and
/// writes one JSON response per line, answering through `handler`.
public struct ControlServer: Sendable {
    public typealias Handler = @Sendable (ControlRequest) async -> ControlResponse

    public let path: String
    let handler: Handler
    /// Longest request line accepted.
    static let maximumLine = 64 * 1024
    /// Connections served at once; more are closed as they come (with a one-line answer),
    /// so idle clients cannot take the descriptors releases and ingest need.
    public static let maximumConnections = 32
    /// How long a connection may take to send a whole request line (from its start, or
    /// from the previous answer); a half request that stalls, or an idle client, is dropped.
    public static let requestDeadline: Duration = .seconds(10)

    public init(path: String, handler: @escaping Handler) {
        self.path = path
        self.handler = handler
    }

    /// Binds the socket (replacing a stale one), sets its mode, and serves connections
    /// until the calling task is cancelled; removes the socket file on the way out.
    public func run(mode: UInt32 = 0o660) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .bind(unixDomainSocketPath: path + ".new", cleanupExistingSocketFile: true) { child in
                // The peer's pid, uid and gid, from the kernel (SO_PEERCRED), before any byte is read.
                let credentials: EventLoopFuture<clinux_peer_credentials>
                if let provider = child as? any SocketOptionProvider {
                    credentials = provider.unsafeGetSocketOption(
                        level: NIOBSDSocket.OptionLevel(rawValue: SOL_SOCKET), name: NIOBSDSocket.Option(rawValue: clinux_so_peercred()))
                } else {
                    credentials = child.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
                }
                return credentials.map { Optional($0) }.recover { _ in nil }.flatMapThrowing { cred -> Connection in
                    let caller = cred.map { ControlCaller(pid: $0.pid, uid: $0.uid, gid: $0.gid, user: ControlCaller.userName($0.uid)) }
                    return Connection(channel: try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child), caller: caller)
                }
            }
        // Bound under a temporary name, given its mode, then renamed: the socket never
        // appears at `path` with looser permissions. Either failing ends start-up with the
        // reason (it used to go on listening at `.new`, where remindctl never looks).
        if chmod(path + ".new", mode_t(mode)) != 0 || rename(path + ".new", path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(path + ".new")
            try? await channel.channel.close()
            throw ControlServerError(message: "cannot put the control socket in place at \(path): \(reason)")
        }
        defer { unlink(path) }
        let open = Locked(0)
        do {
            try await withTaskCancellationHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await channel.executeThenClose { connections in
                        for try await connection in connections {
                            let admitted = open.withLock { n -> Bool in
                                guard n < Self.maximumConnections else { return false }
                                n += 1
                                return true
                            }
                            guard admitted else {
                                group.addTask { await Self.refuse(connection.channel) }
                                continue
                            }
                            group.addTask {
                                await serve(connection.channel, caller: connection.caller)
                                open.withLock { $0 -= 1 }
                            }
                        }
                    }
                }
            } onCancel: {
                channel.channel.close(promise: nil)
            }
        } catch where Task.isCancelled {
            // Closing the listening socket on cancellation ends the loop with an error: that is the normal way out.
        }
    }

    /// An accepted connection and who is at its other end.
    struct Connection: Sendable {
        var channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        var caller: ControlCaller?
    }

    /// Answers a connection over the cap with one line and closes it.
    static func refuse(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        try? await connection.executeThenClose { _, outbound in
            var data = (try? ControlCoding.encoder().encode(ControlResponse.failure("too many control connections; try again"))) ?? Data()
            data.append(UInt8(ascii: "\n"))
            try await outbound.write(ByteBuffer(bytes: data))
        }
    }

    /// Serves one connection, closing it when a request line takes longer than
    /// ``requestDeadline`` to arrive (checked once a second).
    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, caller: ControlCaller?) async {
        let waiting = Locked<ContinuousClock.Instant?>(.now)  // nil while a request is answered
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.serveRequests(connection, caller: caller, waiting: waiting) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    let overdue = waiting.withLock { since in since.map { ContinuousClock.now - $0 > Self.requestDeadline } ?? false }
                    if overdue {
                        connection.channel.close(promise: nil)
                        return
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func serveRequests(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, caller: ControlCaller?, waiting: Locked<ContinuousClock.Instant?>
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var pending = ByteBuffer()
            for try await chunk in inbound {
                var chunk = chunk
                pending.writeBuffer(&chunk)
                while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                    let length = newline - pending.readerIndex
                    let line = pending.readBytes(length: length) ?? []
                    pending.moveReaderIndex(forwardBy: 1)
                    waiting.withLock { $0 = nil }
                    let response: ControlResponse
                    if var request = try? ControlCoding.decoder().decode(ControlRequest.self, from: Data(line)) {
                        request.caller = caller
                        response = await handler(request)
                    } else {
                        response = .failure("not a control request (expected one JSON object per line)")
                    }
                    var data = (try? ControlCoding.encoder().encode(response)) ?? Data("{\"ok\":false}".utf8)
                    data.append(UInt8(ascii: "\n"))
                    try await outbound.write(ByteBuffer(bytes: data))
                    waiting.withLock { $0 = .now }
                }
                if pending.readableBytes > Self.maximumLine { return }
                pending.discardReadBytes()
            }
        }
    }
}

/// The control socket could not be set up.
public struct ControlServerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// A value behind a lock, shareable between the tasks of one connection.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout sending Value) throws -> sending T) rethrows -> sending T { try mutex.withLock(body) }
}
