// dispatch-monitor-probe: which use of libdispatch arms its workqueue monitor, the 1 s
// timer that wakes an idle Swift process once a second on Linux. Built and measured by
// dispatch-monitor.sh; not part of the package. Each mode does one thing, then parks the
// main thread in pause(2) for good.
//   none     nothing (an async main, parked at once)
//   serial   one block on a serial queue (its threads are overcommit workers)
//   global   one block on DispatchQueue.global() (a non-overcommit worker)
//   task     one child task on Swift's default global executor (the cooperative pool)
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

@main struct DispatchMonitorProbe {
    static func main() async {
        let mode = CommandLine.arguments.dropFirst().first ?? "none"
        switch mode {
        case "serial":
            DispatchQueue(label: "probe").sync { }
            let done = DispatchSemaphore(value: 0)
            DispatchQueue(label: "probe.async").async { done.signal() }
            done.wait()
        case "global":
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async { done.signal() }
            done.wait()
        case "task":
            async let answer = compute()
            _ = await answer
        default:
            break
        }
        print("ready \(getpid())")
        fflush(stdout)
        while true { pause() }
    }

    static func compute() async -> Int { 42 }
}
