import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tests/RemindHTTPGatewayTests/Server/rest_gateway.py (Python's http.server) on
/// 127.0.0.1 with a script of answers, and the JSON-lines log of the requests it got.
/// `GET /balance` answers the balance (84.5, or what ``setBalance(_:)`` last wrote) to the
/// token `tok-secret-1`.
public final class TestRESTGateway: @unchecked Sendable {
    public struct Request: Decodable, Sendable {
        public var n: Int?
        public var method: String?
        public var path: String?
        public var headers: [String: String]?
        public var body: String?
        public var answer: String?
        public var event: String
    }

    static let script = TestSMSC.packageRoot.appendingPathComponent("Tests/RemindHTTPGatewayTests/Server/rest_gateway.py").path

    public let port: Int
    public let logPath: String
    /// The file `GET /balance` reads its balance from at each request.
    let balancePath: String
    private var process: Process?

    public init(answers: [String]) async throws {
        port = try TestSMSC.freePort()
        let stem = NSTemporaryDirectory() + "remindd-rest-\(UUID().uuidString)"
        logPath = stem + ".jsonl"
        balancePath = stem + ".balance"
        try "84.5".write(toFile: balancePath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [Self.script, "--port", "\(port)", "--log", logPath, "--answers", answers.joined(separator: ","),
                       "--balance-file", balancePath]
        p.standardInput = FileHandle.nullDevice
        try p.runWithSignalsUnblocked()
        process = p
        try await waitFor("the REST gateway to listen on 127.0.0.1:\(port)", timeout: .seconds(20)) {
            guard p.isRunning else { throw TestKannel.Failure(description: "rest_gateway.py exited with \(p.terminationStatus)") }
            return self.log().contains { $0.event == "ready" } && TestKannel.accepts(port: self.port)
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
        try? FileManager.default.removeItem(atPath: balancePath)
    }

    /// What `GET /balance` answers from now on.
    public func setBalance(_ balance: Double) throws {
        try "\(balance)".write(toFile: balancePath, atomically: true, encoding: .utf8)
    }

    public func stop() {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public func log() -> [Request] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    public func requests() -> [Request] { log().filter { $0.event == "request" } }
}
