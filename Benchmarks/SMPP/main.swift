// SMPPBenchmark: submits per second through the SMPP provider on loopback, at several
// windows, with the p50 and p99 of submit → submit_sm_resp as send() sees it, against
// PyPI's smpp34 SMSC (Tests/RemindSMPPTests/SMSC/smsc.py, started per window); then, in
// the same run and at the same window, Debian's Kannel (bearerbox + smsbox) sending the
// same messages to the same SMSC (max-pending-submits = the window), and the ratio.
//
//   swift build -c release --product SMPPBenchmark
//   .build/release/SMPPBenchmark 10000 1,10,50            # remindd, then Kannel, per window
//   .build/release/SMPPBenchmark 5000 1,10,50 --no-kannel  # remindd only
//
// Both rates are read from the SMSC's own log (first to last submit_sm it received), so
// the two senders are timed by the same clock; remindd's own view (wall time of the sends,
// latencies) is printed beside it. Kannel gets every message queued through smsbox's
// sendsms *before* the SMSC starts (kannel_inject.py), so its SMPP side is measured alone.
import Foundation
import Logging
import RemindCore
import RemindDelivery
import RemindSMPP
import RemindSchedule
import RemindTesting
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments.filter { !$0.hasPrefix("--") }
let withKannel = !CommandLine.arguments.contains("--no-kannel")
let count = arguments.count > 1 ? Int(arguments[1]) ?? 5000 : 5000
let windows = arguments.count > 2 ? arguments[2].split(separator: ",").compactMap { Int($0) } : [1, 10, 50]

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func maxRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Submits per second as the SMSC saw them: from its first submit_sm to its last.
func smscRate(_ smsc: TestSMSC) -> (rate: Double, count: Int) {
    let times = smsc.accepted().compactMap(\.t)
    guard let first = times.min(), let last = times.max(), last > first else { return (0, times.count) }
    return (Double(times.count - 1) / (last - first), times.count)
}

var results: [(window: Int, remindd: Double, kannel: Double?)] = []
print("sender   window  messages  seconds  submits/s  smsc submits/s  p50 ms  p99 ms  cpu s  cpu ms/1k  max rss MB")
for window in windows {
    let smsc = try TestSMSC()
    try await smsc.start()
    var session = SMPPSession.Configuration(bind: BindRequest(mode: .transceiver, systemID: "bench", password: "bench"))
    session.window = window
    session.responseTimeout = 30
    let settings = SMPPProvider.Settings(host: "127.0.0.1", port: smsc.port, session: session,
                                         submit: SubmitOptions(source: .sender("Bench"), receipts: false))
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let provider = SMPPProvider(settings: settings, clock: SystemClock(), sleeper: try WallClockSleeper(), logger: logger)
    let group = ServiceGroup(services: [provider], logger: logger)
    let (seconds, latencies, cpu) = try await withThrowingTaskGroup(of: Void.self) { tasks -> (Double, [Double], Double) in
        tasks.addTask { try await group.run() }
        while !provider.isBound { try await Task.sleep(for: .milliseconds(10)) }
        let cpu0 = cpuSeconds()
        let start = ContinuousClock.now
        // As the delivery service does: at most `window` hand-overs in flight. The numbers
        // (+614123 1000…6999) avoid smsc.py's magic endings.
        let latencies = try await withThrowingTaskGroup(of: Double.self) { sends -> [Double] in
            var latencies: [Double] = []
            for i in 0..<count {
                if i >= window, let l = try await sends.next() { latencies.append(l) }
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
        let cpu = cpuSeconds() - cpu0
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return (Double(d.seconds) + Double(d.attoseconds) / 1e18, latencies.sorted(), cpu)
    }
    let p50 = latencies[latencies.count / 2]
    let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
    let seen = smscRate(smsc)
    print(String(format: "remindd  %6d  %8d  %7.2f  %9.0f  %14.0f  %6.2f  %6.2f  %5.2f  %9.1f  %10.1f", window, count, seconds, Double(count) / seconds,
                 seen.rate, p50, p99, cpu, cpu * 1e6 / Double(count), maxRSSMegabytes()))
    smsc.stop()
    var kannelRate: Double?
    if withKannel {
        let k = try await KannelRun.run(count: count, window: window)
        kannelRate = k.rate
        print(String(format: "kannel   %6d  %8d  %7.2f  %9.0f  %14.0f       -       -  %5.2f  %9.1f  %10.1f", window, count, k.seconds, Double(count) / k.seconds,
                     k.rate, "-", "-", k.cpu, k.cpu * 1e6 / Double(count), k.maxRSS))
    }
    results.append((window, seen.rate, kannelRate))
}
if withKannel {
    print("window  remindd/kannel (SMSC-side submits/s)")
    for r in results { print(String(format: "%6d  %.2f", r.window, r.remindd / (r.kannel ?? .nan))) }
}
