// KannelRun: Debian's Kannel (bearerbox and smsbox from the `kannel` package) sending
// `count` messages over SMPP (bound as a transmitter) to a fresh SMSC (drive_smpp or
// smpp34) at a given window (max-pending-submits), for SMPPBenchmark's comparison. A
// missing Kannel is an error.
//
// Timing: every message is queued through smsbox's sendsms before the SMSC starts; then
// the benchmark polls bearerbox's admin status (`/status.txt`, one HTTP/1.0 GET every
// `pollInterval`, 20 ms) for its "sent" count (a message counts as sent when its
// submit_sm_resp came back). Each answer is an exact count at a known time (the GET takes
// well under a millisecond), so the rate is taken between the first sample that reads
// some sent and the last that reads fewer than all: (sent_b − sent_a) ÷ (t_b − t_a), in
// full flow, leaving out the ramp-up and the tail (which counts in remindd's figure).
// Polling every 2 ms cost bearerbox some 8 % of its rate (7,595–8,187/s against
// 8,433–8,955/s at 50 ms, window 50); at 20 ms it is 50 GETs a second.
import Foundation
import RemindTesting
#if canImport(Glibc)
import Glibc
#endif

enum KannelRun {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Result {
        /// Submits per second in full flow, from bearerbox's sent count (see the top).
        var rate: Double
        /// How many samples were in flow, and what share of the messages they span.
        var samples: Int
        var sampledShare: Double
        /// Submits per second as the smpp34 SMSC logged them (first to last submit); nil
        /// with drive_smpp, which logs no submit.
        var smscRate: Double?
        /// The SMSC's CPU over the same span (drive_smpp only).
        var smscCPU: Double?
        /// From the SMSC's start to its last submit (connect and bind included).
        var seconds: Double
        /// bearerbox's user + system CPU while it sent (from the SMSC's start).
        var cpu: Double
        /// bearerbox's peak resident memory (VmHWM, the queueing phase included).
        var maxRSS: Double
    }

    static let bearerbox = "/usr/sbin/bearerbox"
    static let smsbox = "/usr/sbin/smsbox"

    /// 20 ms, or `--kannel-poll-ms=N` (to check what the polling costs Kannel).
    static let pollInterval: useconds_t = CommandLine.arguments.first { $0.hasPrefix("--kannel-poll-ms=") }
        .flatMap { useconds_t($0.dropFirst(17)) }.map { $0 * 1000 } ?? 20000

    static func run(count: Int, window: Int, smscKind: SMSCKind) async throws -> Result {
        for binary in [bearerbox, smsbox] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw Failure(description: "\(binary) is missing: install Debian's kannel (make deps)")
        }
        let directory = NSTemporaryDirectory() + "remindd-kannel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try TestSMSC.freePort(), boxes = try TestSMSC.freePort(), sendsms = try TestSMSC.freePort()
        // The SMSC's port; it starts only once every message is queued.
        let smpp34 = smscKind == .smpp34 ? try TestSMSC() : nil
        let drive = smscKind == .drive ? try DriveSMPP() : nil
        let smscPort = smpp34?.port ?? drive!.port
        let config = directory + "/kannel.conf"
        try """
            group = core
            admin-port = \(admin)
            admin-password = bench
            admin-allow-ip = 127.0.0.1
            smsbox-port = \(boxes)
            box-allow-ip = 127.0.0.1
            log-level = 3
            log-file = "\(directory)/bearerbox.log"

            group = smsc
            smsc = smpp
            smsc-id = bench
            host = 127.0.0.1
            port = \(smscPort)
            transceiver-mode = false
            smsc-username = bench
            smsc-password = bench
            system-type = "bench"
            max-pending-submits = \(window)
            reconnect-delay = 1
            enquire-link-interval = 30
            source-addr-ton = 5
            source-addr-npi = 0
            dest-addr-ton = 1
            dest-addr-npi = 1

            group = smsbox
            bearerbox-host = 127.0.0.1
            sendsms-port = \(sendsms)
            log-level = 3
            log-file = "\(directory)/smsbox.log"

            group = sendsms-user
            username = bench
            password = bench
            max-messages = 1

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let bearer = try start(bearerbox, [config], log: directory + "/bearerbox.out")
        defer { stop(bearer) }
        try await waitForPort(boxes, "bearerbox's smsbox port")
        let box = try start(smsbox, [config], log: directory + "/smsbox.out")
        defer { stop(box) }
        try await waitForPort(sendsms, "smsbox's sendsms port")

        let inject = Process()
        inject.executableURL = URL(fileURLWithPath: TestSMSC.python)
        inject.arguments = [TestSMSC.packageRoot.appendingPathComponent("Benchmarks/SMPP/kannel_inject.py").path, "\(sendsms)", "\(count)"]
        try inject.run()
        inject.waitUntilExit()
        guard inject.terminationStatus == 0 else { throw Failure(description: "kannel_inject.py could not queue every message in Kannel") }

        let cpu0 = cpuSeconds(bearer.processIdentifier)
        let start = ContinuousClock.now
        if let smpp34 { try await smpp34.start() }
        if let drive { try await drive.start() }
        defer { smpp34?.stop(); drive?.stop() }
        let smscCPU0 = drive?.cpuSeconds
        let deadline = ContinuousClock.now + .seconds(600)
        var samples: [(t: ContinuousClock.Instant, sent: Int)] = []
        var sent = 0
        while sent < count {
            guard ContinuousClock.now < deadline, bearer.isRunning else {
                throw Failure(description: "Kannel sent \(sent) of \(count) (see \(directory)/bearerbox.log)")
            }
            if let n = sentCount(admin: admin) {
                sent = n
                samples.append((ContinuousClock.now, n))
            }
            if sent < count { usleep(pollInterval) }
        }
        let last = ContinuousClock.now
        let cpu = cpuSeconds(bearer.processIdentifier) - cpu0
        let smscCPU = drive.map { $0.cpuSeconds - (smscCPU0 ?? 0) }
        let rss = peakRSSMegabytes(bearer.processIdentifier)
        var smscRate: Double?
        if let smpp34 {
            try await waitFor("the SMSC's log of every submit", timeout: .seconds(10)) { smpp34.accepted().count >= count }
            let times = smpp34.accepted().compactMap(\.t)
            if let a = times.min(), let b = times.max(), b > a { smscRate = Double(times.count - 1) / (b - a) }
        }
        // The rate between the first sample that read some sent and the last that read
        // fewer than all: both in full flow, each an exact count at a known time.
        let inFlow = samples.filter { $0.sent > 0 && $0.sent < count }
        guard let a = inFlow.first, let b = inFlow.last, b.sent > a.sent else {
            throw Failure(description: "too few samples of bearerbox's sent count in flow (\(samples.count) in all); poll more often")
        }
        return Result(rate: Double(b.sent - a.sent) / seconds(b.t - a.t), samples: inFlow.count, sampledShare: Double(b.sent - a.sent) / Double(count),
                      smscRate: smscRate, smscCPU: smscCPU,
                      seconds: seconds(last - start), cpu: cpu, maxRSS: rss)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// bearerbox's "SMS: … sent N" from its admin status, by a plain HTTP/1.0 GET.
    static func sentCount(admin: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(admin).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return nil }
        let request = Array("GET /status.txt?password=bench HTTP/1.0\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        // "SMS: received 0 (0 queued), sent 10000 (0 queued), store size -1"
        let text = String(decoding: response, as: UTF8.self)
        guard let sms = text.range(of: "SMS: received"), let sent = text.range(of: "sent ", range: sms.upperBound..<text.endIndex) else { return nil }
        return Int(text[sent.upperBound...].prefix(while: \.isNumber))
    }

    static func start(_ binary: String, _ arguments: [String], log: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let out = FileHandle(forWritingAtPath: log)
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// SIGTERM, then SIGKILL after 5 s.
    static func stop(_ p: Process) {
        guard p.isRunning else { return }
        p.terminate()
        for _ in 0..<50 where p.isRunning { usleep(100_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// Waits until 127.0.0.1:`port` listens: by connecting, or (`connect` false, for
    /// drive_smpp, which serves only its first connection) from /proc/net/tcp.
    static func waitForPort(_ port: Int, _ what: String, connect probe: Bool = true) async throws {
        for _ in 0..<100 {
            if !probe {
                let hex = String(format: ":%04X ", port)
                let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
                // local address 0100007F:PORT or 00000000:PORT, state 0A (LISTEN)
                if table.split(separator: "\n").contains(where: { $0.contains(hex) && $0.split(separator: " ").dropFirst(3).first == "0A" }) { return }
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if connected { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "\(what) (127.0.0.1:\(port)) never listened")
    }

    /// utime + stime of a process, from /proc/PID/stat.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmHWM of a process, in MB.
    static func peakRSSMegabytes(_ pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
