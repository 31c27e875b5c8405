import Foundation
import RemindTesting
#if canImport(Glibc)
import Glibc
#endif

/// Server/rest_gateway.py (Python's http.server) on 127.0.0.1 with a script of answers,
/// and the JSON-lines log of the requests it got.
final class TestRESTGateway {
    struct Request: Decodable {
        var n: Int?
        var method: String?
        var path: String?
        var headers: [String: String]?
        var body: String?
        var answer: String?
        var event: String
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Server/rest_gateway.py").path

    let port: Int
    let logPath: String
    private var process: Process?

    init(answers: [String]) async throws {
        port = try TestSMSC.freePort()
        logPath = NSTemporaryDirectory() + "remindd-rest-\(UUID().uuidString).jsonl"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [Self.script, "--port", "\(port)", "--log", logPath, "--answers", answers.joined(separator: ",")]
        p.standardInput = FileHandle.nullDevice
        try p.runWithSignalsUnblocked()
        process = p
        try await waitFor("the REST gateway to listen on 127.0.0.1:\(port)", timeout: .seconds(20)) {
            guard p.isRunning else { throw TestKannel.Failure(description: "rest_gateway.py exited with \(p.terminationStatus)") }
            return log().contains { $0.event == "ready" } && TestKannel.accepts(port: port)
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    func stop() {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func log() -> [Request] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    func requests() -> [Request] { log().filter { $0.event == "request" } }
}
