import AsyncHTTPClient
import Foundation
import InMemoryLogging
import NIOCore
import NIOHTTP1
import Logging
import RemindCore
import RemindDelivery
@testable import RemindHTTPGateway
import RemindTesting
import RemindText
import ServiceLifecycle
import Testing

/// The callback listener on 127.0.0.1: called by a real Kannel (dlr-url, sms-service
/// get-url) and by AsyncHTTPClient for the refusals and limits.
@Suite(.serialized, .timeLimit(.minutes(2))) struct CallbackListenerTests {
    static let secret = "callback-secret-0123456789"

    func listener(port: Int, provider: HTTPGatewayProvider, logger: Logger = Fixture.logger, maximumBytes: Int = 16 << 10,
                  timeout: Duration = .seconds(10)) -> CallbackListener {
        var settings = CallbackListener.Settings(address: .tcp(host: "127.0.0.1", port: port))
        settings.maximumRequestBytes = maximumBytes
        settings.requestTimeout = timeout
        let router = CallbackRouter(token: CallbackToken(key: Array(Self.secret.utf8)), sharedSecret: Self.secret)
        return CallbackListener(settings: settings, router: router, logger: logger) { await provider.receive($0) }
    }

    @Test func kannelsDLRCallbackMarksTheMessageDeliveredAndAnMOStopArrivesAsAReply() async throws {
        let port = try TestSMSC.freePort()
        let kannel = try TestKannel(moURL: "http://127.0.0.1:\(port)/kannel/mo?secret=\(Self.secret)&from=%p&text=%a")
        try await kannel.start()
        defer { kannel.stop() }
        let receipts = HTTPGatewaySettings.Receipts(callbackBase: "http://127.0.0.1:\(port)", token: CallbackToken(key: Array(Self.secret.utf8)))
        let provider = HTTPGatewayProvider(settings: Fixture.kannelSettings(kannel, receipts: receipts), reportsEvents: true, logger: Fixture.logger)
        try await withProvider(provider, also: [listener(port: port, provider: provider)]) { events in
            try await waitFor("the listener") { TestKannel.accepts(port: port) }
            let sent = try await provider.send(Fixture.message("Your appointment", to: "+61400000701", id: 7))
            #expect(sent.reference == "k7")
            try await waitFor("the receipt through the dlr-url") { !events.receipts.isEmpty }
            let receipt = try #require(events.receipts.first)
            #expect(receipt.reference == "k7" && receipt.outcome == .delivered)
            // Only the final report: fakesmsc's "SMSC accepted" (type 8) is not asked for (dlr-mask 3).
            #expect(events.receipts.count == 1)

            try await kannel.sendMO(from: "61400000009", to: "1234", text: "STOP")
            try await waitFor("the MO message through the sms-service get-url") { !events.inbound.isEmpty }
            let reply = try #require(events.inbound.first)
            #expect(reply.sender == "61400000009" && reply.text == "STOP")
        }
    }

    @Test func requestsWithoutTheTokenOrSecretGet403AndOneMaskedLine() async throws {
        let port = try TestSMSC.freePort()
        let (memory, logger) = Self.memoryLogger()
        let provider = HTTPGatewayProvider(settings: HTTPGatewaySettings(flavour: .rest(.init(request: try RequestTemplate(url: "http://127.0.0.1:1/"),
                                                                                               answer: AnswerRules()))),
                                           reportsEvents: true, logger: Fixture.logger)
        try await withProvider(provider, also: [listener(port: port, provider: provider, logger: logger)]) { events in
            try await waitFor("the listener") { TestKannel.accepts(port: port) }
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            func get(_ path: String, body: String? = nil) async throws -> Int {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)" + path)
                if let body {
                    request.method = .POST
                    request.body = .bytes(ByteBufferFixture.make(body))
                }
                return Int(try await client.execute(request, timeout: .seconds(5)).status.code)
            }
            let token = CallbackToken(key: Array(Self.secret.utf8)).token(for: "k9")
            #expect(try await get("/kannel/dlr?id=k9&token=0123456789abcdef0123456789abcdef&type=1") == 403)
            #expect(try await get("/kannel/mo?secret=guess&from=61400000009&text=STOP") == 403)
            #expect(try await get("/kannel/dlr?id=k9&token=\(token)&type=1") == 200)
            #expect(try await get("/nowhere") == 404)
            #expect(try await get("/http/reply?secret=\(Self.secret)", body: String(repeating: "x", count: 20_000)) == 413)
            try await waitFor("the one good receipt") { events.receipts.count == 1 }
            #expect(events.inbound.isEmpty)
            let refused = memory.entries.filter { $0.message.description == "callback refused" }
            #expect(refused.count == 2)
            let text = memory.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!text.contains("61400000009") && !text.contains("guess") && !text.contains("0123456789abcdef"))
            #expect(refused.allSatisfy { $0.metadata[LogKey.messageID]?.description == EventID.callbackRefused.rawValue })
        }
    }

    /// The listener on a Unix socket (for a reverse proxy on the same host): the socket
    /// file is made, a receipt with its token is taken, one without is refused.
    @Test func theListenerServesAUnixSocketToo() async throws {
        let directory = NSTemporaryDirectory() + "callback-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/callbacks.sock"
        let provider = HTTPGatewayProvider(settings: HTTPGatewaySettings(flavour: .rest(.init(request: try RequestTemplate(url: "http://127.0.0.1:1/"),
                                                                                               answer: AnswerRules()))),
                                           reportsEvents: true, logger: Fixture.logger)
        var settings = CallbackListener.Settings(address: .unix(path: path))
        settings.requestTimeout = .seconds(10)
        let router = CallbackRouter(token: CallbackToken(key: Array(Self.secret.utf8)), sharedSecret: Self.secret)
        let listener = CallbackListener(settings: settings, router: router, logger: Fixture.logger) { await provider.receive($0) }
        try await withProvider(provider, also: [listener]) { events in
            try await waitFor("the socket file") { FileManager.default.fileExists(atPath: path) }
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            let socket = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path
            func get(_ query: String) async throws -> Int {
                let request = HTTPClientRequest(url: "http+unix://\(socket)/kannel/dlr?" + query)
                return Int(try await client.execute(request, timeout: .seconds(5)).status.code)
            }
            let token = CallbackToken(key: Array(Self.secret.utf8)).token(for: "k5")
            #expect(try await get("id=k5&token=0123456789abcdef0123456789abcdef&type=1") == 403)
            #expect(try await get("id=k5&token=\(token)&type=1") == 200)
            try await waitFor("the receipt through the socket") { events.receipts.count == 1 }
            #expect(events.receipts.first?.reference == "k5" && events.receipts.first?.outcome == .delivered)
        }
    }

    @Test func restWebhooksForReceiptsAndRepliesOverHTTP() async throws {
        let port = try TestSMSC.freePort()
        let provider = HTTPGatewayProvider(settings: HTTPGatewaySettings(flavour: .rest(.init(request: try RequestTemplate(url: "http://127.0.0.1:1/"),
                                                                                               answer: AnswerRules()))),
                                           reportsEvents: true, logger: Fixture.logger)
        try await withProvider(provider, also: [listener(port: port, provider: provider)]) { events in
            try await waitFor("the listener") { TestKannel.accepts(port: port) }
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            func post(_ path: String, _ body: String, headers: [(String, String)] = []) async throws -> Int {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)" + path)
                request.method = .POST
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                request.body = .bytes(ByteBufferFixture.make(body))
                return Int(try await client.execute(request, timeout: .seconds(10)).status.code)
            }
            // The callback_url remindd put in the request, as the gateway calls it.
            let token = CallbackToken(key: Array(Self.secret.utf8)).token(for: "h5")
            #expect(try await post("/http/receipt?id=h5&token=\(token)", #"{"status": "UNDELIV"}"#) == 200)
            #expect(try await post("/http/receipt?id=h6&token=\(token)", #"{"status": "DELIVRD"}"#) == 403)
            #expect(try await post("/http/reply", #"{"from": "+61400000009", "text": "Stop"}"#, headers: [("X-Remindd-Secret", Self.secret)]) == 200)
            #expect(try await post("/http/reply", #"{"from": "+61400000009", "text": "Stop"}"#) == 403)
            try await waitFor("one receipt and one reply") { events.receipts.count == 1 && events.inbound.count == 1 }
            #expect(events.receipts.first?.reference == "h5" && events.receipts.first?.outcome == .undeliverable)
            #expect(events.inbound.first?.sender == "+61400000009" && events.inbound.first?.text == "Stop")
        }
    }

    /// As the daemon orders them (listener, then gateway): a stop while a callback waits for
    /// the delivery service (which has stopped) answers it 503 and ends, instead of hanging.
    @Test func aStopWithACallbackWaitingAnswersItNotStoredAndEnds() async throws {
        let port = try TestSMSC.freePort()
        let provider = HTTPGatewayProvider(settings: HTTPGatewaySettings(flavour: .rest(.init(request: try RequestTemplate(url: "http://127.0.0.1:1/"),
                                                                                               answer: AnswerRules()))),
                                           reportsEvents: true, logger: Fixture.logger)
        // Nobody consumes the events: the delivery service has stopped.
        let group = ServiceGroup(services: [listener(port: port, provider: provider), provider], logger: Fixture.logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        try await withThrowingTaskGroup(of: Int?.self) { tasks in
            tasks.addTask { try await group.run(); return nil }
            try await waitFor("the listener") { TestKannel.accepts(port: port) }
            let token = CallbackToken(key: Array(Self.secret.utf8)).token(for: "k3")
            tasks.addTask {
                let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/kannel/dlr?id=k3&token=\(token)&type=1")
                return Int(try await client.execute(request, timeout: .seconds(30)).status.code)
            }
            try await Task.sleep(for: .milliseconds(300))  // the callback is waiting now
            let stopped = ContinuousClock.now
            await group.triggerGracefulShutdown()
            var statuses: [Int] = []
            for try await status in tasks { if let status { statuses.append(status) } }
            #expect(statuses == [503])
            #expect(ContinuousClock.now - stopped < .seconds(10))
        }
    }

    @Test func aClientTooSlowToSendItsRequestIsCutOff() async throws {
        let port = try TestSMSC.freePort()
        let provider = HTTPGatewayProvider(settings: HTTPGatewaySettings(flavour: .rest(.init(request: try RequestTemplate(url: "http://127.0.0.1:1/"),
                                                                                               answer: AnswerRules()))),
                                           reportsEvents: true, logger: Fixture.logger)
        try await withProvider(provider, also: [listener(port: port, provider: provider, timeout: .milliseconds(300))]) { _ in
            try await waitFor("the listener") { TestKannel.accepts(port: port) }
            // Half a request line, then nothing: the listener closes the connection.
            let fd = try Self.connect(port)
            defer { close(fd) }
            _ = "GET /kannel/dlr?id=k1".withCString { send(fd, $0, strlen($0), 0) }
            // A generous bound for a loaded machine: what counts is that the listener closes.
            var tv = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let start = ContinuousClock.now
            // Off the pool: the listener's connection handler needs a pool thread to arm its timer.
            let n = await offPool {
                var buffer = [UInt8](repeating: 0, count: 64)
                return recv(fd, &buffer, buffer.count, 0)
            }
            #expect(n == 0, "the listener answered or kept the connection open")
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    static func connect(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard ok else { throw TestKannel.Failure(description: "connect 127.0.0.1:\(port): errno \(errno)") }
        return fd
    }

    static func memoryLogger() -> (InMemoryLogHandler, Logger) {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "callback-test") { _ in handler }
        logger.logLevel = .debug
        return (handler, logger)
    }
}
