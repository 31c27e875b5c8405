import Foundation
import Logging
import RemindCore
import RemindDelivery
@testable import RemindHTTPGateway
import RemindTesting
import RemindText
import ServiceLifecycle
import Synchronization

enum Fixture {
    static func message(_ text: String, to: String = "+61412345678", id: UInt64 = 1) -> OutgoingMessage {
        let length = SMSLength.measure(text)
        return OutgoingMessage(id: MessageID(rawValue: id), recipient: to, text: text, encoding: length.encoding, segments: length.segments)
    }

    static var logger: Logger {
        var logger = Logger(label: "http-test") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["HTTP_TEST_TRACE"] == nil ? .info : .trace
        return logger
    }

    static func kannelSettings(_ kannel: TestKannel, password: String? = nil, receipts: HTTPGatewaySettings.Receipts? = nil) -> HTTPGatewaySettings {
        var k = HTTPGatewaySettings.Kannel(url: URL(string: kannel.sendsmsURL)!, username: kannel.username,
                                           password: password ?? kannel.password, from: "Clinic")
        k.receipts = receipts
        var s = HTTPGatewaySettings(flavour: .kannel(k))
        s.concurrency = 8
        s.connectTimeout = .seconds(2)
        s.requestTimeout = .seconds(5)
        return s
    }
}

/// Runs `provider` as a service (its pool closed after `body`), consuming its events the
/// way the daemon's delivery service does (each one stored, then `handled`).
func withProvider(_ provider: HTTPGatewayProvider, also services: [any Service] = [], _ body: (EventLog) async throws -> Void) async throws {
    let log = EventLog()
    let group = ServiceGroup(services: [provider] + services, logger: Fixture.logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        if let events = provider.events {
            tasks.addTask {
                for await event in events {
                    log.append(event)
                    await provider.handled(event, stored: true)
                }
            }
        }
        do { try await body(log) } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

final class EventLog: Sendable {
    private let events = Mutex<[GatewayEvent]>([])
    func append(_ e: GatewayEvent) { events.withLock { $0.append(e) } }
    var all: [GatewayEvent] { events.withLock { $0 } }
    var receipts: [DeliveryReceipt] { all.compactMap { if case .receipt(let r) = $0 { r } else { nil } } }
    var inbound: [InboundMessage] { all.compactMap { if case .inbound(let m) = $0 { m } else { nil } } }
}

/// `send` as a Result (its typed error kept).
func outcome(_ provider: HTTPGatewayProvider, _ m: OutgoingMessage) async -> Result<DeliveryResult, DeliveryError> {
    do throws(DeliveryError) { return .success(try await provider.send(m)) } catch { return .failure(error) }
}

enum MessageIDFixture {
    static func id(_ n: UInt64) -> MessageID { MessageID(rawValue: n) }
}

import NIOCore

enum ByteBufferFixture {
    static func make(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }
}
