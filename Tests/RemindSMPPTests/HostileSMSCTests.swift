import Foundation
import Logging
import NIOCore
import NIOPosix
import RemindCore
import RemindDelivery
import RemindSchedule
@testable import RemindSMPP
import RemindTesting
import ServiceLifecycle
import Synchronization
import Testing

/// A peer that answers the bind with bytes no SMSC should send, over a real socket on
/// 127.0.0.1: the link closes cleanly, the daemon does not crash, and it connects again.
@Suite(.serialized, .timeLimit(.minutes(2))) struct HostileSMSCTests {
    /// Answers the first bytes it reads with `answer`, and counts connections.
    final class Hostile: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: [UInt8]
        let connections: Counter

        init(answer: [UInt8], connections: Counter) {
            self.answer = answer
            self.connections = connections
        }

        func channelActive(context: ChannelHandlerContext) {
            connections.value.add(1, ordering: .relaxed)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer)), promise: nil)
        }
    }

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test(arguments: [
        ("a 4 GB command_length", hex("FFFFFFFF 80000009 00000000 00000001")),
        ("a command_length under the header", hex("00000004 80000009 00000000 00000001")),
    ])
    func aHostileAnswerClosesTheLinkAndItComesBack(_ name: String, _ answer: [UInt8]) async throws {
        let counter = Counter()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Hostile(answer: answer, connections: counter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        var session = SMPPSession.Configuration(bind: BindRequest(mode: .transceiver, systemID: "remindd", password: "pw"))
        session.reconnectInitial = 0.05
        session.reconnectMaximum = 0.1
        let settings = SMPPProvider.Settings(host: "127.0.0.1", port: server.localAddress!.port!, session: session,
                                             submit: SubmitOptions(source: .sender("Clinic")))
        let logger = Logger(label: "hostile")
        let provider = SMPPProvider(settings: settings, clock: SystemClock(), sleeper: try WallClockSleeper(), logger: logger)
        let events = try await withRunningProvider(provider, logger: logger) { _ in
            try await waitFor("two connections (the link closed and came back)") { counter.value.load(ordering: .relaxed) >= 2 }
        }
        let down = events.links.compactMap { if case .down(let reason) = $0 { reason } else { nil } }
        #expect(down.first?.contains("command_length") == true, "\(name): \(down)")
        #expect(!provider.isBound)
    }
}
