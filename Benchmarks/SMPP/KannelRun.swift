// KannelRun: Debian's Kannel (bearerbox and smsbox from the `kannel` package) sending
// `count` messages over SMPP to a fresh smpp34 SMSC at a given window
// (max-pending-submits), for SMPPBenchmark's comparison. A missing Kannel is an error.
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
        /// Submits per second as the SMSC saw them (first to last).
        var rate: Double
        /// From the SMSC's start to its last submit (connect and bind included).
        var seconds: Double
        /// bearerbox's user + system CPU while it sent (from the SMSC's start).
        var cpu: Double
        /// bearerbox's peak resident memory (VmHWM, the queueing phase included).
        var maxRSS: Double
    }

    static let bearerbox = "/usr/sbin/bearerbox"
    static let smsbox = "/usr/sbin/smsbox"

    static func run(count: Int, window: Int) async throws -> Result {
        for binary in [bearerbox, smsbox] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw Failure(description: "\(binary) is missing: install Debian's kannel (make deps)")
        }
        let directory = NSTemporaryDirectory() + "remindd-kannel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try TestSMSC.freePort(), boxes = try TestSMSC.freePort(), sendsms = try TestSMSC.freePort()
        let smsc = try TestSMSC()  // its port, started only once every message is queued
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
            port = \(smsc.port)
            transceiver-mode = true
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
        try await smsc.start()
        defer { smsc.stop() }
        let deadline = ContinuousClock.now + .seconds(600)
        while smsc.accepted().count < count {
            guard ContinuousClock.now < deadline, bearer.isRunning else {
                throw Failure(description: "Kannel sent \(smsc.accepted().count) of \(count) (see \(directory)/bearerbox.log)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let times = smsc.accepted().compactMap(\.t)
        let cpu = cpuSeconds(bearer.processIdentifier) - cpu0
        let rss = peakRSSMegabytes(bearer.processIdentifier)
        guard let first = times.min(), let last = times.max(), last > first else { throw Failure(description: "no submit times") }
        let d = (ContinuousClock.now - start).components
        return Result(rate: Double(times.count - 1) / (last - first), seconds: Double(d.seconds) + Double(d.attoseconds) / 1e18,
                      cpu: cpu, maxRSS: rss)
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

    static func waitForPort(_ port: Int, _ what: String) async throws {
        for _ in 0..<100 {
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
