// KannelBenchmark: messages per second through the Kannel preset of the HTTP gateway
// provider on loopback, at several concurrencies, with the p50 and p99 of each send
// (sendsms request → smsbox's 202 → result), against Debian's Kannel (bearerbox, smsbox,
// kannel-extras' fakesmsc as the SMSC), started afresh per concurrency by TestKannel.
//
//   swift build -c release --product KannelBenchmark
//   .build/release/KannelBenchmark 5000 1,8,32
import Foundation
import Logging
import RemindCore
import RemindDelivery
import RemindHTTPGateway
import RemindTesting
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
if arguments.count > 1, arguments[1] == "daemon" {
    try await daemonCPU(count: arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000)
    exit(0)
}
let count = arguments.count > 1 ? Int(arguments[1]) ?? 5000 : 5000
let concurrencies = arguments.count > 2 ? arguments[2].split(separator: ",").compactMap { Int($0) } : [1, 8, 32]

print("concurrency  messages  seconds  msgs/s  p50 ms  p99 ms  cpu s  cpu s/1000  max rss MB  at fakesmsc")
for concurrency in concurrencies {
    let kannel = try TestKannel()
    try await kannel.start()
    let k = HTTPGatewaySettings.Kannel(url: URL(string: kannel.sendsmsURL)!, username: kannel.username, password: kannel.password, from: "Bench")
    var settings = HTTPGatewaySettings(flavour: .kannel(k))
    settings.concurrency = concurrency
    settings.requestTimeout = .seconds(30)
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let provider = HTTPGatewayProvider(settings: settings, logger: logger)
    let group = ServiceGroup(services: [provider], logger: logger)
    let (seconds, latencies, cpu) = try await withThrowingTaskGroup(of: Void.self) { tasks -> (Double, [Double], Double) in
        tasks.addTask { try await group.run() }
        let cpu0 = ResourceUsage.cpuSeconds()
        let start = ContinuousClock.now
        // As the delivery service does: at most `concurrency` hand-overs in flight.
        let latencies = try await withThrowingTaskGroup(of: Double.self) { sends -> [Double] in
            var latencies: [Double] = []
            for i in 0..<count {
                if i >= concurrency, let l = try await sends.next() { latencies.append(l) }
                sends.addTask {
                    let t0 = ContinuousClock.now
                    _ = try await provider.send(OutgoingMessage(id: MessageID(rawValue: UInt64(i + 1)), recipient: "+6141234\(i % 6000 + 1000)",
                                                                text: "Hi Ann, see you Tue 10:30 with Dr Lee. Harbour Dental", encoding: .gsm7))
                    let d = (ContinuousClock.now - t0).components
                    return Double(d.seconds) * 1000 + Double(d.attoseconds) / 1e15
                }
            }
            for try await l in sends { latencies.append(l) }
            return latencies
        }
        let d = (ContinuousClock.now - start).components
        let cpu = ResourceUsage.cpuSeconds() - cpu0
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return (Double(d.seconds) + Double(d.attoseconds) / 1e18, latencies.sorted(), cpu)
    }
    // Every accepted message reaches fakesmsc (bearerbox may still be handing them over).
    let clock = ContinuousClock()
    let end = clock.now + .seconds(60)
    while kannel.received().count < count, clock.now < end { try await Task.sleep(for: .milliseconds(100)) }
    let arrived = kannel.received().count
    let p50 = latencies[latencies.count / 2]
    let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
    print(String(format: "%11d  %8d  %7.2f  %6.0f  %6.2f  %6.2f  %5.2f  %10.3f  %10.1f  %11d", concurrency, count, seconds, Double(count) / seconds,
                 p50, p99, cpu, cpu / Double(count) * 1000, ResourceUsage.maxRSSMegabytes(), arrived))
    kannel.stop()
}

/// `KannelBenchmark daemon N`: the real remindd (beside this binary) on the host with
/// `type = "kannel"` (concurrency 8, stagger 0, windows always open) and the password as a
/// credential; an export of N appointments due tomorrow is dropped into its inbox, and the
/// daemon's own CPU time (utime + stime from /proc) is read from the drop until all N
/// reached fakesmsc: ingest, spool, schedule and hand-over together.
func daemonCPU(count: Int) async throws {
    let kannel = try TestKannel()
    try await kannel.start()
    defer { kannel.stop() }
    let root = NSTemporaryDirectory() + "remindd-kannel-bench-\(UUID().uuidString)"
    let fm = FileManager.default
    defer { try? fm.removeItem(atPath: root) }
    try fm.createDirectory(atPath: root + "/spool/inbox", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: root + "/credentials", withIntermediateDirectories: true)
    try kannel.password.write(toFile: root + "/credentials/remindd_kannel-password", atomically: true, encoding: .utf8)
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("remindd").path
    let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../spool.example/templates").standardizedFileURL.path
    try fm.copyItem(atPath: templates, toPath: root + "/templates")
    try """
        [practice]
        name = "Harbour Dental"
        phone = "02 9999 0000"
        time_zone = "Australia/Sydney"
        [spool]
        root = "\(root)/spool"
        [templates]
        directory = "\(root)/templates"
        [schedule]
        lead = "1d"
        stagger = "0"
        windows = ["mon-sun 00:00-24:00"]
        [provider]
        type = "kannel"
        url = "\(kannel.sendsmsURL)"
        username = "\(kannel.username)"
        from = "Bench"
        concurrency = 8
        [control]
        socket = "\(root)/control.sock"
        [log]
        target = "console"
        level = "warning"
        """.write(toFile: root + "/remindd.toml", atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["--config", root + "/remindd.toml"]
    var environment = ProcessInfo.processInfo.environment
    environment["CREDENTIALS_DIRECTORY"] = root + "/credentials"
    environment["NOTIFY_SOCKET"] = nil
    environment["JOURNAL_STREAM"] = nil
    p.environment = environment
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try p.run()
    defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
    try await waitFor("remindd's control socket") { fm.fileExists(atPath: root + "/control.sock") || !p.isRunning }
    guard p.isRunning else { print("remindd exited with \(p.terminationStatus)"); return }
    func daemonCPU() -> Double {
        let stat = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        // After the name: state is field 3; utime 14 and stime 15 (1-based) are indices 11 and 12 here.
        guard fields.count > 12, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
    // Appointments 23 hours ahead: due now with the default one-day reminder.
    let start = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + 23 * 3600) / 60).rounded(.up) * 60)
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "Australia/Sydney")
    f.dateFormat = "yyyy-MM-dd,HH:mm"
    var csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n"
    for i in 0..<count { csv += "B-\(i),Ann,Lee,04\(String(format: "%08d", 12_000_000 + i)),\(f.string(from: start)),Dr Patel,3,Scheduled\n" }
    let cpu0 = daemonCPU()
    let clock = ContinuousClock()
    let t0 = clock.now
    try csv.write(toFile: root + "/spool/inbox/.bench.tmp", atomically: false, encoding: .utf8)
    try fm.moveItem(atPath: root + "/spool/inbox/.bench.tmp", toPath: root + "/spool/inbox/bench.csv")
    try await waitFor("\(count) messages at fakesmsc", timeout: .seconds(600)) { kannel.received().count >= count }
    let seconds = (clock.now - t0).components
    let cpu = daemonCPU() - cpu0
    let elapsed = Double(seconds.seconds) + Double(seconds.attoseconds) / 1e18
    print(String(format: "daemon: %d messages through Kannel in %.2f s (%.0f/s), remindd CPU %.2f s = %.3f s per 1,000 messages",
                 count, elapsed, Double(count) / elapsed, cpu, cpu / Double(count) * 1000))
}
