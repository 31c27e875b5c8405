import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// PyPI's smpp34 SMSC (Tests/RemindSMPPTests/SMSC/smsc.py) as a child process on
/// 127.0.0.1, with the JSON-lines log of what it received.
///
/// The Python comes from `$REMINDD_SMPP_PYTHON`, else `.build/smpp34-venv/bin/python3`
/// (made by `make deps`). A missing one is an error: the tests fail, they never skip.
final class TestSMSC {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var python: String {
        if let p = ProcessInfo.processInfo.environment["REMINDD_SMPP_PYTHON"], !p.isEmpty { return p }
        return packageRoot.appendingPathComponent(".build/smpp34-venv/bin/python3").path
    }

    let port: Int
    let logPath: String
    let refuseBind: Bool
    let idPrefix: String
    private(set) var process: Process?

    init(port: Int? = nil, refuseBind: Bool = false, idPrefix: String = "m") throws {
        self.port = try port ?? Self.freePort()
        self.logPath = NSTemporaryDirectory() + "remindd-smsc-\(UUID().uuidString).jsonl"
        self.refuseBind = refuseBind
        self.idPrefix = idPrefix
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Starts the SMSC and waits (at most 20 s) until it listens.
    func start() async throws {
        let python = Self.python
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Missing(description: "the test SMSC needs PyPI's smpp34: no Python at \(python); run `make deps` (or set REMINDD_SMPP_PYTHON)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Self.packageRoot.appendingPathComponent("Tests/RemindSMPPTests/SMSC/smsc.py").path,
                       "--port", "\(port)", "--log", logPath, "--id-prefix", idPrefix] + (refuseBind ? ["--refuse-bind"] : [])
        p.standardInput = FileHandle.nullDevice
        try p.run()
        process = p
        let readyBefore = events("ready").count
        try await waitFor("the SMSC to listen on 127.0.0.1:\(port)", timeout: .seconds(20)) {
            guard p.isRunning else { throw Missing(description: "the test SMSC exited with \(p.terminationStatus); is smpp34 installed for \(python)?") }
            return events("ready").count > readyBefore
        }
    }

    /// SIGKILL: no unbind, no FIN from an orderly close of the session.
    func kill() {
        guard let p = process, p.isRunning else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// The test SMSC keeps nothing: SIGKILL (smpp34's runtime may outlive a SIGTERM).
    func stop() { kill() }

    /// One line of the SMSC's log (the fields of its event; the rest nil).
    struct Event: Decodable {
        var event: String
        var dest: String?
        var dest_ton: Int?
        var dest_npi: Int?
        var src: String?
        var src_ton: Int?
        var src_npi: Int?
        var dc: Int?
        var esm: Int?
        var reg: Int?
        var sm: String?
        var id: String?
        var status: Int?
        var attempt: Int?
        var kind: String?

        var bytes: [UInt8] { hex(sm ?? "") }
    }

    /// Every logged event, in order.
    func log() -> [Event] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    func events(_ name: String) -> [Event] { log().filter { $0.event == name } }

    /// Submits the SMSC accepted (status 0).
    func accepted() -> [Event] { events("submit").filter { $0.status == 0 } }

    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        let port = channel.localAddress?.port ?? 0
        try channel.close().wait()
        return port
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes (then throws).
func waitFor(_ what: String, timeout: Duration = .seconds(10), _ condition: () throws -> Bool) async throws {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    if try condition() { return }
    throw TestSMSC.Missing(description: "timed out after \(timeout) waiting for \(what)")
}

