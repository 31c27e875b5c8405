public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// PyPI's smpp34 SMSC (Tests/RemindSMPPTests/SMSC/smsc.py) as a child process on
/// 127.0.0.1, with the JSON-lines log of what it received.
///
/// The Python comes from `$REMINDD_SMPP_PYTHON`, else `.build/smpp34-venv/bin/python3`
/// (made by `make deps`). A missing one is an error: the tests fail, they never skip.
public final class TestSMSC {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var python: String {
        if let p = ProcessInfo.processInfo.environment["REMINDD_SMPP_PYTHON"], !p.isEmpty { return p }
        return packageRoot.appendingPathComponent(".build/smpp34-venv/bin/python3").path
    }

    public let port: Int
    public let logPath: String
    public let refuseBind: Bool
    public let idPrefix: String
    /// How long after its arrival each accepted submit_sm is answered (smsc.py's
    /// `--submit-delay`); zero answers at once.
    public let submitDelay: Duration
    private(set) var process: Process?

    public init(port: Int? = nil, refuseBind: Bool = false, idPrefix: String = "m", submitDelay: Duration = .zero) throws {
        self.port = try port ?? Self.freePort()
        self.logPath = NSTemporaryDirectory() + "remindd-smsc-\(UUID().uuidString).jsonl"
        self.refuseBind = refuseBind
        self.idPrefix = idPrefix
        self.submitDelay = submitDelay
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Starts the SMSC and waits (at most 20 s) until it listens.
    public func start() async throws {
        let python = Self.python
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Missing(description: "the test SMSC needs PyPI's smpp34: no Python at \(python); run `make deps` (or set REMINDD_SMPP_PYTHON)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        var arguments = [Self.packageRoot.appendingPathComponent("Tests/RemindSMPPTests/SMSC/smsc.py").path,
                         "--port", "\(port)", "--log", logPath, "--id-prefix", idPrefix]
        if refuseBind { arguments.append("--refuse-bind") }
        if submitDelay > .zero { arguments += ["--submit-delay", "\(submitDelay / .seconds(1))"] }
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        try p.runWithSignalsUnblocked()
        process = p
        let readyBefore = events("ready").count
        try await waitFor("the SMSC to listen on 127.0.0.1:\(port)", timeout: .seconds(20)) {
            guard p.isRunning else { throw Missing(description: "the test SMSC exited with \(p.terminationStatus); is smpp34 installed for \(python)?") }
            return events("ready").count > readyBefore
        }
    }

    /// SIGKILL: no unbind, no FIN from an orderly close of the session.
    public func kill() {
        guard let p = process, p.isRunning else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// The test SMSC keeps nothing: SIGKILL (smpp34's runtime may outlive a SIGTERM).
    public func stop() { kill() }

    /// One line of the SMSC's log (the fields of its event; the rest nil).
    public struct Event: Decodable, Sendable {
        public var event: String
        /// When the SMSC got it (Unix time), for submits.
        public var t: Double?
        public var dest: String?
        public var dest_ton: Int?
        public var dest_npi: Int?
        public var src: String?
        public var src_ton: Int?
        public var src_npi: Int?
        public var dc: Int?
        public var esm: Int?
        public var reg: Int?
        public var sm: String?
        public var id: String?
        public var status: Int?
        public var attempt: Int?
        public var kind: String?

        public var bytes: [UInt8] { Self.hex(sm ?? "") }

        static func hex(_ s: String) -> [UInt8] {
            var out: [UInt8] = []
            var i = s.startIndex
            while let j = s.index(i, offsetBy: 2, limitedBy: s.endIndex), i < s.endIndex {
                out.append(UInt8(s[i..<j], radix: 16) ?? 0)
                i = j
            }
            return out
        }
    }

    /// Every logged event, in order.
    public func log() -> [Event] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    public func events(_ name: String) -> [Event] { log().filter { $0.event == name } }

    /// Submits the SMSC accepted (status 0).
    public func accepted() -> [Event] { events("submit").filter { $0.status == 0 } }

    /// A port on 127.0.0.1 that nothing listens on now (bound to port 0, then closed).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Missing(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Missing(description: "bind 127.0.0.1:0: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes (then throws).
public func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async throws {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    if try condition() { return }
    throw TestSMSC.Missing(description: "timed out after \(timeout) waiting for \(what)")
}

