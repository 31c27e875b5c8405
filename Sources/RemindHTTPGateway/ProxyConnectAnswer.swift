import Foundation
import NIOCore
import NIOPosix

/// What a proxy answered a `CONNECT`, asked again when AsyncHTTPClient reports only that
/// the answer was not 200 or 407 (`invalidProxyResponse` carries no status): so a refusal
/// names the status the proxy gave (tinyproxy's 401 for a wrong password, a 403 for a port
/// its rules do not allow) instead of guessing.
///
/// One connection, one `CONNECT target` with the same Basic credentials, the status line
/// read, the connection closed; at most `timeout` in all. It runs only on that failure path
/// (the message is already deferred), sends nothing to the gateway, and keeps nothing: the
/// credentials go only to the proxy, the answer's reason is cut to printable ASCII.
enum ProxyConnectAnswer {
    struct StatusLine: Sendable, Hashable {
        var code: Int
        /// The reason phrase, printable ASCII, at most 40 characters (may be empty).
        var reason: String

        var description: String { reason.isEmpty ? "\(code)" : "\(code) \(reason)" }
    }

    /// The status line `proxy` answers `CONNECT target` (`host:port`) with; nil when there
    /// is none to be had (no connection, no answer within `timeout`, not HTTP).
    static func statusLine(proxy: HTTPGatewaySettings.Proxy, target: String, timeout: Duration) async -> StatusLine? {
        let nanoseconds = Int64(timeout.nanoseconds)
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(nanoseconds))
                .connect(host: proxy.host, port: proxy.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
            // The whole exchange within the timeout: closing the channel ends the read below.
            let deadline = channel.channel.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { channel.channel.close(promise: nil) }
            defer { deadline.cancel() }
            return try await channel.executeThenClose { inbound, outbound in
                var head = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n"
                if let user = proxy.username {
                    head += "Proxy-Authorization: Basic \(Data("\(user):\(proxy.password ?? "")".utf8).base64EncodedString())\r\n"
                }
                try await outbound.write(ByteBuffer(string: head + "\r\n"))
                var received: [UInt8] = []
                for try await chunk in inbound {
                    received += chunk.readableBytesView
                    if let end = received.firstIndex(of: UInt8(ascii: "\n")) { return parse(Array(received[..<end])) }
                    if received.count > 1024 { return nil }
                }
                return nil
            }
        } catch {
            return nil
        }
    }

    /// `HTTP/1.x CODE REASON` (CR optional).
    static func parse(_ line: [UInt8]) -> StatusLine? {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]), (100...599).contains(code) else { return nil }
        let reason = parts.count > 2 ? String(String.UnicodeScalarView(parts[2].unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(40))) : ""
        return StatusLine(code: code, reason: reason)
    }
}
