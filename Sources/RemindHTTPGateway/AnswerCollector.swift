import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Reads a gateway's answer (status, headers, at most `limit` octets of body) and notes
/// whether the whole request went out: a failure before that point is temporary (the
/// gateway cannot have the message), after it uncertain (it may have it).
final class AnswerCollector: HTTPClientResponseDelegate, Sendable {
    typealias Response = HTTPAnswer

    private struct State {
        var requestSent = false
        var status = 0
        var headers: [(String, String)] = []
        var body: [UInt8] = []
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    /// Whether the request's last octet was written.
    var requestSent: Bool { state.withLock { $0.requestSent } }

    func didSendRequest(task: HTTPClient.Task<HTTPAnswer>) {
        state.withLock { $0.requestSent = true }
    }

    func didReceiveHead(task: HTTPClient.Task<HTTPAnswer>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { s in
            s.status = Int(head.status.code)
            s.headers = head.headers.map { ($0.name, $0.value) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<HTTPAnswer>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        state.withLock { s in
            let room = limit - s.body.count
            if room > 0 { s.body += buffer.readableBytesView.prefix(room) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<HTTPAnswer>) throws -> HTTPAnswer {
        state.withLock { HTTPAnswer(status: $0.status, headers: $0.headers, body: $0.body, received: Date()) }
    }
}
