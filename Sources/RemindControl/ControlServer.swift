import CLinux
import Foundation
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
        // appears at `path` with looser permissions.
        chmod(path + ".new", mode_t(mode))
        rename(path + ".new", path)
        defer { unlink(path) }
        do {
            try await withTaskCancellationHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await channel.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await serve(connection.channel, caller: connection.caller) }
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

    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, caller: ControlCaller?) async {
        try? await connection.executeThenClose { inbound, outbound in
            var pending = ByteBuffer()
            for try await chunk in inbound {
                var chunk = chunk
                pending.writeBuffer(&chunk)
                while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                    let length = newline - pending.readerIndex
                    let line = pending.readBytes(length: length) ?? []
                    pending.moveReaderIndex(forwardBy: 1)
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
                }
                if pending.readableBytes > Self.maximumLine { return }
                pending.discardReadBytes()
            }
        }
    }
}
