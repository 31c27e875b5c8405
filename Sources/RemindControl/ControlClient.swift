import Foundation
import NIOCore
import NIOPosix

/// Why remindctl could not get an answer.
public struct ControlClientError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable {
        enum Value: Hashable, Sendable { case notRunning, permissionDenied, protocolError }
        let value: Value
        /// Nothing listens on the socket: the daemon is not running.
        public static let notRunning = Code(value: .notRunning)
        /// The socket exists but this user may not open it.
        public static let permissionDenied = Code(value: .permissionDenied)
        /// The daemon's answer was not understood.
        public static let protocolError = Code(value: .protocolError)
    }

    public let code: Code
    public let message: String
    public var description: String { message }
}

/// Sends one request to the daemon and waits for its answer.
public struct ControlClient: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    static func denied(_ path: String) -> ControlClientError {
        ControlClientError(code: .permissionDenied,
                           message: "permission denied on \(path): join group remindd (usermod -aG remindd USER, then log in again) or run as root")
    }

    public func send(_ request: ControlRequest) async throws -> ControlResponse {
        // A socket this user may not reach (its directory closed to it, or the socket's own
        // mode) is told apart from no socket at all: one needs `usermod -aG remindd`, the
        // other `systemctl start remindd`.
        if access(path, F_OK) != 0 {
            if errno == EACCES { throw Self.denied(path) }
            throw ControlClientError(code: .notRunning, message: "no control socket at \(path): is remindd running?")
        }
        if access(path, R_OK | W_OK) != 0 { throw Self.denied(path) }
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: path) { c in
                    c.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: c) }
                }
        } catch let error as IOError where error.errnoCode == EACCES || error.errnoCode == EPERM {
            throw Self.denied(path)
        } catch {
            throw ControlClientError(code: .notRunning, message: "cannot connect to \(path): is remindd running? (\(error))")
        }
        var body = try ControlCoding.encoder().encode(request)
        body.append(UInt8(ascii: "\n"))
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: body))
            var pending = ByteBuffer()
            for try await chunk in inbound {
                var chunk = chunk
                pending.writeBuffer(&chunk)
                if let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending.readBytes(length: newline - pending.readerIndex) ?? []
                    do {
                        return try ControlCoding.decoder().decode(ControlResponse.self, from: Data(line))
                    } catch {
                        throw ControlClientError(code: .protocolError, message: "unreadable answer from remindd: \(error)")
                    }
                }
            }
            throw ControlClientError(code: .protocolError, message: "remindd closed the connection without answering")
        }
    }
}
