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

/// A reply's parts before its last are answered when they come, so the SMSC will not send
/// them again: they are written to disk first (`ReplyPartStore`), and a restart before the
/// last part comes still makes the whole reply.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ReplyPartStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "remindd-parts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        return dir
    }

    static func part(_ text: String, ref: UInt8, total: UInt8, seq: UInt8, from: String = "61412345678") -> ShortMessage {
        var m = ShortMessage()
        m.source = Address(ton: 1, npi: 1, from)
        m.esmClass = ShortMessage.udhIndicator
        m.message = [5, 0x00, 0x03, ref, total, seq] + Array(text.utf8)
        return m
    }

    @Test func aKeptPartIsSavedPrivateReadBackAndRemovedWithItsSet() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ReplyPartStore(directory: root + "/parts")
        try store.prepare()
        var a = ReplyAssembler()
        let m = Self.part("Can I move it to ", ref: 7, total: 2, seq: 1)
        #expect(a.add(m, now: t0) == .kept)
        let kept = try #require(a.kept(m))
        try store.save(kept)

        let attributes = try FileManager.default.attributesOfItem(atPath: root + "/parts")
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let names = try FileManager.default.contentsOfDirectory(atPath: root + "/parts")
        #expect(names.count == 1)
        #expect(!names[0].contains("412345678"), "the number is in the file's name")
        let file = try FileManager.default.attributesOfItem(atPath: root + "/parts/" + names[0])
        #expect((file[.posixPermissions] as? Int) == 0o600)

        let (parts, unreadable) = try store.load()
        #expect(parts == [kept] && unreadable.isEmpty)
        // Another assembler (after a restart) completes the set with what was kept.
        var b = ReplyAssembler()
        for p in parts { b.restore(p) }
        #expect(b.add(Self.part("Tuesday please?", ref: 7, total: 2, seq: 2), now: t0 + 5)
            == .complete(InboundMessage(sender: "+61412345678", text: "Can I move it to Tuesday please?", time: t0 + 5)))

        try store.remove(kept.set)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/parts").isEmpty)
    }

    @Test func aRestoredSetTimesOutFromItsFirstArrivalAndAnUnreadableFileIsLeftInPlace() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ReplyPartStore(directory: root)
        var a = ReplyAssembler(timeout: 120)
        let m = Self.part("Yes ", ref: 9, total: 3, seq: 2)
        _ = a.add(m, now: t0)
        try store.save(try #require(a.kept(m)))
        try Data("not a part".utf8).write(to: URL(fileURLWithPath: root + "/junk.json"))

        let (parts, unreadable) = try store.load()
        #expect(parts.count == 1 && unreadable == ["junk.json"])
        var b = ReplyAssembler(timeout: 120)
        for p in parts { b.restore(p) }
        #expect(b.expire(now: t0 + 119).isEmpty)
        #expect(b.expire(now: t0 + 120).map(\.text) == ["Yes " + ReplyAssembler.incompleteMarker])
        #expect(FileManager.default.fileExists(atPath: root + "/junk.json"))
    }

    // MARK: The provider across a restart

    /// An SMSC peer on 127.0.0.1 (the package's codec, in-process): it answers the bind and
    /// then sends this connection's deliver_sm PDUs, and records every deliver_sm_resp.
    final class PartsPeer: ChannelInboundHandler, Sendable {
        typealias InboundIn = InboundFrame
        typealias OutboundOut = PDU
        let script: [[ShortMessage]]
        let state: Mutex<(connections: Int, answers: [(connection: Int, sequence: UInt32, status: CommandStatus)])>

        init(script: [[ShortMessage]]) {
            self.script = script
            state = Mutex((0, []))
        }

        var answers: [(connection: Int, sequence: UInt32, status: CommandStatus)] { state.withLock { $0.answers } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .pdu(let pdu) = unwrapInboundIn(data) else { return }
            switch pdu.command {
            case .bind(let bind):
                let connection = state.withLock { s in s.connections += 1; return s.connections }
                context.write(wrapOutboundOut(PDU(.bindResp(bind.mode, systemID: "peer", tlvs: []), sequence: pdu.sequence)), promise: nil)
                let messages = connection <= script.count ? script[connection - 1] : []
                for (i, m) in messages.enumerated() {
                    context.write(wrapOutboundOut(PDU(.deliverSM(m), sequence: UInt32(connection * 100 + i))), promise: nil)
                }
                context.flush()
            case .deliverSMResp:
                let connection = state.withLock { $0.connections }
                state.withLock { $0.answers.append((connection, pdu.sequence, pdu.status)) }
            case .enquireLink:
                context.writeAndFlush(wrapOutboundOut(PDU(.enquireLinkResp, sequence: pdu.sequence)), promise: nil)
            case .unbind:
                context.writeAndFlush(wrapOutboundOut(PDU(.unbindResp, sequence: pdu.sequence)), promise: nil)
            default:
                break
            }
        }
    }

    /// Part 1 of a reply comes and is answered; remindd stops (its memory goes) before part
    /// 2 comes. After the restart, part 2 makes the whole reply, with the part kept on disk;
    /// the kept file goes once the reply is stored, and the last part is answered only then.
    @Test func aPartAnsweredBeforeARestartIsInTheReplyItCompletesAfterIt() async throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let peer = PartsPeer(script: [
            [Self.part("Can I move it to ", ref: 0x2A, total: 2, seq: 1)],
            [Self.part("Tuesday please?", ref: 0x2A, total: 2, seq: 2)],
        ])
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(PDUDecoder()), MessageToByteHandler(PDUEncoder()), peer)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        var session = SMPPSession.Configuration(bind: BindRequest(mode: .transceiver, systemID: "remindd", password: "pw"))
        session.reconnectInitial = 0.05
        var settings = SMPPProvider.Settings(host: "127.0.0.1", port: server.localAddress!.port!, session: session,
                                             submit: SubmitOptions(source: .sender("Clinic")))
        settings.replyParts = ReplyPartStore(directory: root + "/parts")
        let logger = Logger(label: "parts")

        // First run: part 1 comes, is written, and answered.
        do {
            let provider = SMPPProvider(settings: settings, clock: SystemClock(), sleeper: try WallClockSleeper(), logger: logger)
            let events = try await withRunningProvider(provider, logger: logger) { _ in
                try await waitFor("part 1 answered") { peer.answers.count == 1 }
            }
            #expect(events.inbound.isEmpty)
            #expect(peer.answers.map(\.status) == [.ok])
            #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/parts").count == 1)
        }

        // Second run, a new provider (nothing in memory): part 2 makes the whole reply.
        let provider = SMPPProvider(settings: settings, clock: SystemClock(), sleeper: try WallClockSleeper(), logger: logger)
        _ = try await withRunningProvider(provider, logger: logger) { events in
            try await waitFor("the whole reply", timeout: .seconds(10)) { !events.inbound.isEmpty }
            #expect(events.inbound.map(\.text) == ["Can I move it to Tuesday please?"])
            #expect(events.inbound.first?.sender == "+61412345678")
            // Not answered, and the kept part not removed, until the reply is stored.
            try await Task.sleep(for: .milliseconds(200))
            #expect(peer.answers.count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/parts").count == 1)
            await provider.handled(.inbound(events.inbound[0]), stored: true)
            try await waitFor("part 2 answered") { peer.answers.count == 2 }
        }
        #expect(peer.answers.map(\.connection) == [1, 2] && peer.answers.map(\.status) == [.ok, .ok])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/parts").isEmpty)
    }
}
