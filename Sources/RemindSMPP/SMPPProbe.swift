import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// `test-provider` for SMPP: connect, bind, one enquire_link (its round trip timed),
/// unbind. Sends no SMS. Every step has the session's response timeout.
public enum SMPPProbe {
    public struct Report: Sendable, Hashable {
        /// The SMSC's system_id from bind_resp.
        public var smscSystemID: String
        /// enquire_link → enquire_link_resp.
        public var roundTrip: Duration
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The SMSC's status when it refused the bind.
        public var status: CommandStatus?
        public var description: String
    }

    public static func run(_ settings: SMPPProvider.Settings) async throws(Failure) -> Report {
        let timeout = Duration.milliseconds(Int64(settings.session.responseTimeout * 1000))
        do {
            return try await withThrowingTaskGroup(of: Report?.self) { group in
                group.addTask { try await probe(settings) }
                group.addTask {
                    try await Task.sleep(for: timeout * 3)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let report = first else {
                    throw Failure(description: "no answer from the SMSC within \(timeout * 3)")
                }
                return report
            }
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(description: "cannot reach the SMSC at \(settings.host):\(settings.port): \(error)")
        }
    }

    private static func probe(_ settings: SMPPProvider.Settings) async throws -> Report {
        let tls = settings.tls
        let isAddress = (try? SocketAddress(ipAddress: settings.host, port: 0)) != nil
        let host = settings.host
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(settings.session.responseTimeout * 1000)))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(PDUDecoder(maximumLength: settings.maximumPDULength)), MessageToByteHandler(PDUEncoder()))
                    return try NIOAsyncChannel<InboundFrame, PDU>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            /// The next PDU answering `sequence` (the SMSC's own requests answered on the way).
            func answer(_ sequence: UInt32) async throws -> PDU {
                while let frame = try await frames.next() {
                    guard case .pdu(let pdu) = frame else { continue }
                    if pdu.sequence == sequence, pdu.commandID.isResponse || pdu.command == .genericNack { return pdu }
                    if pdu.command == .enquireLink { try await outbound.write(PDU(.enquireLinkResp, sequence: pdu.sequence)) }
                }
                throw Failure(description: "the SMSC closed the connection")
            }
            try await outbound.write(PDU(.bind(settings.session.bind), sequence: 1))
            let bound = try await answer(1)
            guard bound.status == .ok, case .bindResp(_, let systemID, _) = bound.command else {
                throw Failure(status: bound.status, description: "the SMSC refused the bind: \(bound.status)")
            }
            let start = ContinuousClock.now
            try await outbound.write(PDU(.enquireLink, sequence: 2))
            _ = try await answer(2)
            let roundTrip = ContinuousClock.now - start
            try await outbound.write(PDU(.unbind, sequence: 3))
            // An SMSC that closes at once instead of answering the unbind has unbound too.
            _ = try? await answer(3)
            return Report(smscSystemID: systemID, roundTrip: roundTrip)
        }
    }
}
