public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's Kannel on 127.0.0.1 for tests: bearerbox, smsbox and kannel-extras' fakesmsc as
/// the SMSC, with a kannel.conf written for free ports in a scratch directory.
///
/// fakesmsc prints each message bearerbox hands it (`Got message N: <from to type text>`);
/// ``received()`` reads them back. A missing binary is an error: the tests fail, never skip.
public final class TestKannel: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// One message as fakesmsc got it.
    public struct Received: Sendable, Hashable {
        public var from: String
        public var to: String
        /// `text` or `ucs-2`.
        public var type: String
        /// The text, decoded (UCS-2 from fakesmsc's URL-encoded UTF-16BE).
        public var text: String
    }

    public static let bearerbox = "/usr/sbin/bearerbox"
    public static let smsbox = "/usr/sbin/smsbox"
    public static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"

    public let directory: String
    public let adminPort: Int
    public let boxPort: Int
    public let smscPort: Int
    public let sendsmsPort: Int
    public let username = "remindd"
    public let password: String
    /// Where smsbox forwards patients' messages (`sms-service` get-url), if anywhere.
    public let moURL: String?
    private var bearer: Process?
    private var box: Process?
    private var fake: Process?
    private var fakeLogs: [String] = []

    /// `moURL`: a get-url template for MO messages, with Kannel's escapes (`%p` sender,
    /// `%a` text); nil: MO messages are answered by nothing.
    public init(password: String = "kannel-secret", moURL: String? = nil) throws {
        for binary in [Self.bearerbox, Self.smsbox, Self.fakesmsc] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw Failure(description: "\(binary) is missing: install Debian's kannel and kannel-extras (make deps)")
        }
        directory = NSTemporaryDirectory() + "remindd-kannel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var ports: Set<Int> = []
        while ports.count < 4 { ports.insert(try TestSMSC.freePort()) }
        let p = Array(ports)
        (adminPort, boxPort, smscPort, sendsmsPort) = (p[0], p[1], p[2], p[3])
        self.password = password
        self.moURL = moURL
        try configuration.write(toFile: directory + "/kannel.conf", atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The sendsms URL (no query).
    public var sendsmsURL: String { "http://127.0.0.1:\(sendsmsPort)/cgi-bin/sendsms" }

    var configuration: String {
        var text = """
            group = core
            admin-port = \(adminPort)
            admin-password = admin-\(UUID().uuidString)
            smsbox-port = \(boxPort)
            box-allow-ip = 127.0.0.1
            admin-allow-ip = 127.0.0.1
            log-level = 1
            log-file = "\(directory)/bearerbox.log"
            dlr-storage = internal
            store-type = file
            store-location = "\(directory)/store"

            group = smsc
            smsc = fake
            smsc-id = fake
            port = \(smscPort)
            connect-allow-ip = 127.0.0.1

            group = smsbox
            bearerbox-host = 127.0.0.1
            bearerbox-port = \(boxPort)
            sendsms-port = \(sendsmsPort)
            log-level = 1
            log-file = "\(directory)/smsbox.log"

            group = sendsms-user
            username = \(username)
            password = \(password)
            max-messages = 10
            concatenation = true

            """
        if let moURL {
            text += """

                group = sms-service
                keyword = default
                catch-all = true
                get-url = "\(moURL)"
                max-messages = 0
                accept-x-kannel-headers = false

                """
        }
        return text
    }

    /// Starts bearerbox, smsbox and fakesmsc; waits (at most 20 s) until sendsms answers
    /// and fakesmsc is connected.
    public func start() async throws {
        try await startBoxes()
        try startFake(arguments: ["-m", "0", "1 2 text unused"])
        try await waitFor("Kannel's sendsms on 127.0.0.1:\(sendsmsPort) and fakesmsc connected", timeout: .seconds(20)) {
            try checkRunning()
            return Self.accepts(port: sendsmsPort) && smscOnline()
        }
    }

    /// Starts bearerbox and smsbox with no SMSC connected (fakesmsc not started), as when
    /// the operator's link is down: bearerbox keeps what smsbox hands it, and smsbox answers
    /// `3: Queued for later delivery`. Waits (at most 20 s) until sendsms answers.
    public func startWithoutSMSC() async throws {
        try await startBoxes()
        try await waitFor("Kannel's sendsms on 127.0.0.1:\(sendsmsPort) (no SMSC)", timeout: .seconds(20)) {
            try checkRunning()
            return Self.accepts(port: sendsmsPort)
        }
    }

    /// Connects fakesmsc after ``startWithoutSMSC()``; waits (at most 20 s) until bearerbox
    /// has it (and so starts handing it what it kept).
    public func connectSMSC() async throws {
        try startFake(arguments: ["-m", "0", "1 2 text unused"])
        try await waitFor("fakesmsc connected to bearerbox", timeout: .seconds(20)) {
            try checkRunning()
            return smscOnline()
        }
    }

    private func startBoxes() async throws {
        let conf = directory + "/kannel.conf"
        bearer = try Self.launch(Self.bearerbox, ["-v", "1", conf], output: directory + "/bearerbox.out")
        // smsbox gives up when no bearerbox listens yet: wait for its box port first (asleep,
        // not blocking a thread of the cooperative pool other tests run on).
        let boxPort = self.boxPort
        try await waitFor("bearerbox's box port", timeout: .seconds(10)) { Self.accepts(port: boxPort) }
        box = try Self.launch(Self.smsbox, ["-v", "1", conf], output: directory + "/smsbox.out")
    }

    private func startFake(arguments: [String]) throws {
        let log = directory + "/fakesmsc-\(fakeLogs.count).out"
        fakeLogs.append(log)
        fake = try Self.launch(Self.fakesmsc, ["-H", "127.0.0.1", "-r", "\(smscPort)"] + arguments, output: log)
    }

    private func checkRunning() throws {
        for (name, p) in [("bearerbox", bearer), ("smsbox", box), ("fakesmsc", fake)] {
            if let p, !p.isRunning { throw Failure(description: "\(name) exited with \(p.terminationStatus); see \(directory)") }
        }
    }

    /// Whether bearerbox's log says the fake SMSC is connected (since the last start).
    private func smscOnline() -> Bool {
        let log = (try? String(contentsOfFile: directory + "/bearerbox.log", encoding: .utf8)) ?? ""
        guard let lastStart = log.range(of: "Added logfile", options: .backwards) else { return false }
        return log[lastStart.upperBound...].contains("Fakesmsc client connected")
    }

    /// Stops bearerbox the way an operator does (SIGTERM); smsbox follows it down.
    public func stopBearerbox() async {
        Self.terminate(fake, grace: .zero)
        await Self.terminateGracefully(bearer)
        await Self.terminateGracefully(box)
        bearer = nil
        box = nil
        fake = nil
    }

    /// Starts bearerbox, smsbox and fakesmsc again after ``stopBearerbox()``.
    public func restart() async throws {
        try await start()
    }

    /// A patient's message from `sender` to `receiver` through fakesmsc (it replaces the
    /// running fakesmsc with one that sends this one message and stays connected).
    public func sendMO(from sender: String, to receiver: String, text: String) async throws {
        Self.terminate(fake, grace: .zero)
        try startFake(arguments: ["-m", "1", "\(sender) \(receiver) text \(text)"])
        let log = fakeLogs.last!
        try await waitFor("fakesmsc to send the MO message") {
            try checkRunning()
            return ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("sent message 1")
        }
    }

    /// Stops everything at once (SIGKILL: the tests keep nothing of Kannel's).
    public func stop() {
        Self.terminate(fake, grace: .zero)
        Self.terminate(box, grace: .zero)
        Self.terminate(bearer, grace: .zero)
        fake = nil
        box = nil
        bearer = nil
    }

    /// Every message fakesmsc got, in order, over all its runs.
    public func received() -> [Received] {
        var out: [Received] = []
        for log in fakeLogs {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                guard let start = line.range(of: "Got message "), let open = line[start.upperBound...].firstIndex(of: "<"),
                      line.hasSuffix(">") else { continue }
                let body = line[line.index(after: open)..<line.index(before: line.endIndex)]
                let parts = body.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 4 else { continue }
                let decoded = parts[2] == "ucs-2" ? Self.decodeUCS2(parts[3]) : parts[3]
                out.append(Received(from: parts[0], to: parts[1], type: parts[2], text: decoded))
            }
        }
        return out
    }

    /// fakesmsc's UCS-2: UTF-16BE, URL-encoded (`+` a 0x20 octet).
    static func decodeUCS2(_ s: String) -> String {
        var bytes: [UInt8] = []
        var i = s.utf8.startIndex
        let u = s.utf8
        while i < u.endIndex {
            let c = u[i]
            if c == UInt8(ascii: "%"), let j = u.index(i, offsetBy: 3, limitedBy: u.endIndex),
               let v = UInt8(String(decoding: u[u.index(after: i)..<j], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i = j
            } else {
                bytes.append(c == UInt8(ascii: "+") ? 0x20 : c)
                i = u.index(after: i)
            }
        }
        let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        return String(decoding: units, as: UTF16.self)
    }

    // MARK: Processes

    /// Starts `path` with `arguments`, its stdout and stderr appended to `output`, every
    /// signal unblocked (tinyproxy and squid in the HTTP gateway tests start this way too).
    public static func launch(_ path: String, _ arguments: [String], output: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = handle
        p.standardError = handle
        try p.runWithSignalsUnblocked()
        return p
    }

    /// SIGTERM, then SIGKILL after 5 s, waiting asleep; then reaps it.
    static func terminateGracefully(_ p: Process?) async {
        guard let p, p.isRunning else { return }
        kill(p.processIdentifier, SIGTERM)
        let clock = ContinuousClock()
        let end = clock.now + .seconds(5)
        while p.isRunning, clock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        await p.exited()
    }

    /// SIGTERM, then SIGKILL after `grace` (at once when zero); waits for the exit.
    static func terminate(_ p: Process?, grace: Duration = .seconds(5)) {
        guard let p, p.isRunning else { return }
        kill(p.processIdentifier, grace == .zero ? SIGKILL : SIGTERM)
        let clock = ContinuousClock()
        let end = clock.now + grace
        while p.isRunning, clock.now < end { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
