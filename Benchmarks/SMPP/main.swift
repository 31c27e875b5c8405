// SMPPBenchmark: submits per second through the SMPP provider on loopback, at several
// windows, with the p50 and p99 of submit → submit_sm_resp as send() sees it; then, in the
// same run and at the same window, Debian's Kannel (bearerbox + smsbox) sending the same
// messages to the same kind of SMSC (max-pending-submits = the window), and the ratio.
// Both senders bind as transmitters (no receipts, no deliver_sm).
//
//   swift build -c release --product SMPPBenchmark
//   .build/release/SMPPBenchmark 10000 1,10,50                 # remindd, then Kannel, per window
//   .build/release/SMPPBenchmark 5000 1,10,50 --no-kannel      # remindd only
//   .build/release/SMPPBenchmark 10000 1,10,50 --smsc=smpp34   # PyPI's smpp34 SMSC instead
//
// The SMSC (fresh for each sender and window): by default Kannel's own test SMSC in C,
// drive_smpp (kannel-extras; see DriveSMPP.swift), which logs nothing per submit, so each
// sender is timed by its own clock from its first submit_sm_resp to its last: remindd by
// timestamps in process, Kannel by polling bearerbox's sent count (KannelRun.swift). With
// `--smsc=smpp34` (Tests/RemindSMPPTests/SMSC/smsc.py, which logs every submit with its
// time), the SMSC-side rate (first to last submit it logged) is printed beside it.
import Foundation
import Logging
import NIOCore
import NIOPosix
import RemindCore
import RemindDelivery
import RemindSMPP
import RemindSchedule
import RemindTesting
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

enum SMSCKind: String { case drive, smpp34 }

let arguments = CommandLine.arguments.filter { !$0.hasPrefix("--") }
let withKannel = !CommandLine.arguments.contains("--no-kannel")
let withRemindd = !CommandLine.arguments.contains("--no-remindd")  // Kannel alone
/// An experiment (EventLoopTaskExecutor.swift): the sends run on the channel's event loop.
let onEventLoop = CommandLine.arguments.contains("--on-event-loop")
let loopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let loopExecutor = EventLoopTaskExecutor(loopGroup.next())
let smscKind = CommandLine.arguments.first { $0.hasPrefix("--smsc=") }.map { SMSCKind(rawValue: String($0.dropFirst(7))) } ?? .drive
guard let smscKind else { fatalError("--smsc=drive or --smsc=smpp34") }
let count = arguments.count > 1 ? Int(arguments[1]) ?? 5000 : 5000
let windows = arguments.count > 2 ? arguments[2].split(separator: ",").compactMap { Int($0) } : [1, 10, 50]

/// Submits per second as the smpp34 SMSC logged them: from its first submit_sm to its last.
func smscRate(_ smsc: TestSMSC) -> Double? {
    let times = smsc.accepted().compactMap(\.t)
    guard let first = times.min(), let last = times.max(), last > first else { return nil }
    return Double(times.count - 1) / (last - first)
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// `v` formatted, or "-", right-aligned in `width`.
func format(_ v: Double?, _ f: String, _ width: Int) -> String {
    let t = v.map { String(format: f, $0) } ?? "-"
    return String(repeating: " ", count: max(0, width - t.count)) + t
}

let stub = try SmsboxStub()  // drive_smpp's "smsbox" connects to 127.0.0.1:13001
_ = stub
var results: [(window: Int, remindd: Double, kannel: Double?)] = []
print("SMSC: \(smscKind == .drive ? DriveSMPP.binary : "smpp34 (smsc.py)"); \(count) messages; load average \(loadAverage())"
      + (onEventLoop ? "; EXPERIMENT: remindd's sends on the channel's event loop" : ""))
print("sender   window  messages  wall s  submits/s  smsc submits/s  p50 ms  p99 ms  cpu s  cpu ms/1k  max rss MB  smsc cpu s")
for window in windows {
    var reminddRate = Double.nan
    if withRemindd {
        let smpp34 = smscKind == .smpp34 ? try TestSMSC() : nil
        let drive = smscKind == .drive ? try DriveSMPP() : nil
        if let smpp34 { try await smpp34.start() }
        if let drive { try await drive.start() }
        var session = SMPPSession.Configuration(bind: BindRequest(mode: .transmitter, systemID: "bench", password: "bench"))
        session.window = window
        session.responseTimeout = 30
        let settings = SMPPProvider.Settings(host: "127.0.0.1", port: smpp34?.port ?? drive!.port, session: session,
                                             submit: SubmitOptions(source: .sender("Bench"), receipts: false))
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let provider = SMPPProvider(settings: settings, clock: SystemClock(), sleeper: try WallClockSleeper(), logger: logger,
                                    group: onEventLoop ? loopGroup : nil)
        let group = ServiceGroup(services: [provider], logger: logger)
        let run = try await withThrowingTaskGroup(of: Void.self) { tasks -> (wall: Double, respToResp: Double, latencies: [Double], cpu: Double, smscCPU: Double?) in
            tasks.addTask { try await group.run() }
            while !provider.isBound { try await Task.sleep(for: .milliseconds(10)) }
            let cpu0 = ResourceUsage.cpuSeconds()
            let smscCPU0 = drive?.cpuSeconds ?? 0
            let start = ContinuousClock.now
            // As the delivery service does: at most `provider.concurrency` (the window + 1) hand-overs in flight. The numbers
            // (+614123 1000…6999) avoid smsc.py's magic endings. Each task returns its
            // latency and when its answer came.
            let (latencies, firstAnswer, lastAnswer) = try await withTaskExecutorPreference(onEventLoop ? loopExecutor : nil) {
              try await withThrowingTaskGroup(of: (Double, ContinuousClock.Instant).self) { sends in
                var latencies: [Double] = []
                latencies.reserveCapacity(count)
                var firstAnswer = ContinuousClock.Instant.now + .seconds(3600), lastAnswer = start
                func note(_ r: (Double, ContinuousClock.Instant)) {
                    latencies.append(r.0)
                    firstAnswer = min(firstAnswer, r.1)
                    lastAnswer = max(lastAnswer, r.1)
                }
                for i in 0..<count {
                    if i >= provider.concurrency, let r = try await sends.next() { note(r) }
                    sends.addTask {
                        let t0 = ContinuousClock.now
                        _ = try await provider.send(OutgoingMessage(id: MessageID(rawValue: UInt64(i + 1)), recipient: "+6141234\(i % 6000 + 1000)",
                                                                    text: "Hi Ann, see you Tue 10:30 with Dr Lee. Harbour Dental", encoding: .gsm7))
                        let t1 = ContinuousClock.now
                        return (seconds(t1 - t0) * 1000, t1)
                    }
                }
                for try await r in sends { note(r) }
                return (latencies, firstAnswer, lastAnswer)
              }
            }
            let end = ContinuousClock.now
            let cpu = ResourceUsage.cpuSeconds() - cpu0
            let smscCPU = drive.map { $0.cpuSeconds - smscCPU0 }  // before the unbind: drive_smpp quits when the link ends
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return (seconds(end - start), Double(count - 1) / seconds(lastAnswer - firstAnswer), latencies.sorted(), cpu, smscCPU)
        }
        let smscCPU = run.smscCPU
        let p50 = run.latencies[run.latencies.count / 2]
        let p99 = run.latencies[min(run.latencies.count - 1, run.latencies.count * 99 / 100)]
        let seen = smpp34.flatMap(smscRate)
        print(String(format: "remindd  %6d  %8d  %6.2f  %9.0f  ", window, count, run.wall, run.respToResp) + format(seen, "%.0f", 14)
            + String(format: "  %6.2f  %6.2f  %5.2f  %9.1f  %10.1f  ", p50, p99, run.cpu, run.cpu * 1e6 / Double(count), ResourceUsage.maxRSSMegabytes())
            + format(smscCPU, "%.2f", 10))
        smpp34?.stop()
        drive?.stop()
        reminddRate = run.respToResp
    }
    var kannelRate: Double?
    if withKannel {
        let k = try await KannelRun.run(count: count, window: window, smscKind: smscKind)
        kannelRate = k.rate
        print(String(format: "kannel   %6d  %8d  %6.2f  %9.0f  ", window, count, k.seconds, k.rate) + format(k.smscRate, "%.0f", 14)
              + String(format: "       -       -  %5.2f  %9.1f  %10.1f  ", k.cpu, k.cpu * 1e6 / Double(count), k.maxRSS) + format(k.smscCPU, "%.2f", 10)
              + String(format: "  (rate from %d samples spanning %.0f%% of the messages)", k.samples, k.sampledShare * 100))
    }
    results.append((window, reminddRate, kannelRate))
}
if withKannel {
    print("window  remindd/kannel (submits/s: remindd first resp to last, Kannel in full flow)")
    for r in results { print(String(format: "%6d  %.2f", r.window, r.remindd / (r.kannel ?? .nan))) }
}
print("load average \(loadAverage())")

func loadAverage() -> String { ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ") }
