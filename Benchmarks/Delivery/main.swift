// DeliveryBenchmark: hand-over throughput through the real engine and delivery service
// (spool on disk: queued → active → sent, each transition durable), with a gateway that
// answers every hand-over after a fixed latency, at several windows (hand-overs in flight).
//
//   swift build -c release --product DeliveryBenchmark
//   .build/release/DeliveryBenchmark <scratch dir> [latency ms = 50] [windows = 1,10,50]
//   .build/release/DeliveryBenchmark references <scratch dir> [lines = 1000000]
//
// `references` writes a reference log of that many lines (as a gateway's sent messages
// leave it) and times its load at start-up, with the resident growth per line.
//
// Stagger 0 ("send at once"), every window open, one export of N messages due now per run
// (N = 10 s worth at the window's ideal rate, 200 to 10,000). Prints messages/s per window
// and the ideal (window / latency).
import Foundation
import Logging
import RemindCore
import RemindDaemon
import RemindDelivery
import RemindSpool
import ServiceLifecycle
import Synchronization

/// Accepts every message after `latency`, up to `concurrency` at once.
final class LatencyGateway: Provider {
    let name = "bench"
    let concurrency: Int
    let latency: Duration
    let answered = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let mostInFlight = Atomic<Int>(0)

    init(concurrency: Int, latency: Duration) {
        self.concurrency = concurrency
        self.latency = latency
    }

    func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
        let now = inFlight.add(1, ordering: .relaxed).newValue
        var most = mostInFlight.load(ordering: .relaxed)
        while now > most {
            let (exchanged, original) = mostInFlight.compareExchange(expected: most, desired: now, ordering: .relaxed)
            if exchanged { break }
            most = original
        }
        try? await Task.sleep(for: latency)
        inFlight.subtract(1, ordering: .relaxed)
        answered.add(1, ordering: .relaxed)
        return DeliveryResult(reference: "bench-\(message.id)")
    }
}

let arguments = CommandLine.arguments

/// A `/proc/self/status` figure in MB (VmRSS: resident now; VmHWM: peak).
func statusMegabytes(_ field: String) -> Double {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }
    return 0
}

if arguments.count >= 3, arguments[1] == "references" {
    let path = arguments[2] + "/references"
    let lines = arguments.count > 3 ? Int(arguments[3]) ?? 1_000_000 : 1_000_000
    try? FileManager.default.createDirectory(atPath: arguments[2], withIntermediateDirectories: true)
    var text = ""
    text.reserveCapacity(lines * 64)
    let base = UInt64(0x032A_9C4E_1F10_0000)
    for i in 0..<lines {
        let id = String(base + UInt64(i), radix: 16, uppercase: true)
        let number = String(UInt64(i) &* 0x9E37_79B9_7F4A_7C15, radix: 16, uppercase: true)
        text += "\(1_795_395_601 + i) \(String(repeating: "0", count: 16 - id.count) + id) \(String(repeating: "0", count: 16 - number.count) + number) smpp-\(i)-7f3a\n"
    }
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    text = ""
    let before = statusMegabytes("VmRSS")
    let clock = ContinuousClock()
    let t0 = clock.now
    let index = ReferenceIndex(path: path)
    try index.load()
    let took = clock.now - t0
    let after = statusMegabytes("VmRSS")
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    print(String(format: "%d lines (%.1f MB file): load %.2f s, resident +%.0f MB (%.0f bytes/line)", index.count, Double(size) / 1e6,
                 Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18, after - before, (after - before) * 1_048_576 / Double(lines)))
    try? FileManager.default.removeItem(atPath: path)
    exit(0)
}

guard arguments.count >= 2 else {
    print("usage: DeliveryBenchmark <scratch dir> [latency ms] [windows, e.g. 1,10,50]")
    exit(64)
}
let scratch = arguments[1]
let latencyMS = arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50
let windows = arguments.count > 3 ? arguments[3].split(separator: ",").compactMap { Int($0) } : [1, 10, 50]
let templates = FileManager.default.currentDirectoryPath + "/spool.example/templates"
guard FileManager.default.fileExists(atPath: templates) else {
    print("run from the repository root (needs spool.example/templates)")
    exit(64)
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// A spool with `count` messages due now, in one batch, and its configuration.
func prepare(_ root: String, count: Int) throws -> String {
    try? FileManager.default.removeItem(atPath: root)
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    let config = root + "/remindd.toml"
    try """
        [practice]
        name = "Harbour Dental"
        time_zone = "Australia/Sydney"
        [spool]
        root = "\(root)/spool"
        [templates]
        directory = "\(templates)"
        [schedule]
        stagger = "0"
        windows = ["mon-sun 00:00-24:00"]
        drain_warning = "30d"
        """.write(toFile: config, atomically: true, encoding: .utf8)
    let spool = Spool(paths: SpoolPaths(root: root + "/spool"))
    try spool.prepare()
    let ids = MessageIDGenerator()
    let now = Date()
    let start = now.addingTimeInterval(86400 - 3600)
    let messages = (0..<count).map { i in
        SpoolMessage(
            id: ids.next(), key: MessageKey(source: "practice", recordID: "B-\(i)", rule: "reminder"), kind: .appointment,
            recipient: "+61412\(String(format: "%06d", i))", text: "Hi Ann, see you tomorrow at 9:30 with Dr Patel. Harbour Dental",
            due: start.addingTimeInterval(-86400), expires: start, appointmentStart: start,
            source: SourcePosition(file: "bench.csv", line: i + 2), created: now, encoding: .gsm7, segments: 1)
    }
    _ = try spool.commit(spool.plan(candidates: messages), input: nil)
    return config
}

var logger = Logger(label: "bench")
logger.logLevel = .warning
print("hand-over latency \(latencyMS) ms, stagger 0")
print("window  messages  seconds  msg/s   ideal msg/s  most in flight")
for window in windows {
    let ideal = Double(window) * 1000 / Double(latencyMS)
    let count = min(10_000, max(200, Int(ideal * 10)))
    let root = scratch + "/delivery-\(window)"
    let config = try prepare(root, count: count)
    let gateway = LatencyGateway(concurrency: window, latency: .milliseconds(latencyMS))
    let harness = try DeliveryHarness(configPath: config, provider: gateway, logger: logger)
    try await harness.recover()
    let group = ServiceGroup(configuration: .init(services: [.init(service: harness.service())], logger: logger))
    let clock = ContinuousClock()
    let began = clock.now
    var elapsed = Duration.zero
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        // Done when every answer is recorded: the last one's move to sent/ included.
        let sent = root + "/spool/sent"
        while gateway.answered.load(ordering: .relaxed) < count { try await Task.sleep(for: .milliseconds(2)) }
        while ((try? FileManager.default.contentsOfDirectory(atPath: sent).count) ?? 0) < count { try await Task.sleep(for: .milliseconds(2)) }
        elapsed = clock.now - began
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
    let rate = Double(count) / seconds(elapsed)
    print(String(format: "%6d  %8d  %7.2f  %6.0f  %11.0f  %14d", window, count, seconds(elapsed), rate, ideal,
                 gateway.mostInFlight.load(ordering: .relaxed)))
    try? FileManager.default.removeItem(atPath: root)
}
