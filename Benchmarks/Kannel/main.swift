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
let count = arguments.count > 1 ? Int(arguments[1]) ?? 5000 : 5000
let concurrencies = arguments.count > 2 ? arguments[2].split(separator: ",").compactMap { Int($0) } : [1, 8, 32]

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
        let cpu0 = cpuSeconds()
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
        let cpu = cpuSeconds() - cpu0
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
                 p50, p99, cpu, cpu / Double(count) * 1000, maxRSSMegabytes(), arrived))
    kannel.stop()
}
