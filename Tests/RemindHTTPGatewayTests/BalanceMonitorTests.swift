import Foundation
@testable import RemindHTTPGateway
import RemindTesting
import ServiceLifecycle
import Synchronization
import Testing

/// The balance monitor on a manual clock: the check at start, after every N sends, and
/// hourly, without sleeping through real time.
@Suite(.timeLimit(.minutes(1))) struct BalanceMonitorTests {
    /// A monitor whose checks answer 99, 98, … and are recorded, run while `body` runs.
    final class Reports: Sendable {
        private let values = Mutex<[Double]>([])
        func append(_ v: Double) { values.withLock { $0.append(v) } }
        var all: [Double] { values.withLock { $0 } }
    }

    func withMonitor(everySends: Int, _ body: (BalanceMonitor, ManualClock, Reports) async throws -> Void) async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_795_384_800))
        let checks = Mutex(0)
        let reports = Reports()
        let monitor = BalanceMonitor(interval: .seconds(3600), everySends: everySends, clock: clock, sleeper: clock, check: {
            let n = checks.withLock { c in
                c += 1
                return c
            }
            return .success(Double(100 - n))
        }, report: { result in
            if case .success(let v) = result { reports.append(v) }
        })
        let group = ServiceGroup(services: [monitor], logger: Fixture.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body(monitor, clock, reports)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func checksAtStartAfterEveryNSendsAndStopsAtShutdown() async throws {
        try await withMonitor(everySends: 3) { monitor, clock, reports in
            // Asleep after the check at start, until an hour later.
            #expect(await clock.waitUntilSleeping() == clock.now.addingTimeInterval(3600))
            #expect(reports.all == [99])
            monitor.noteSent()
            monitor.noteSent()
            #expect(clock.sleepingUntil != nil && reports.all == [99], "two sends: still asleep")
            monitor.noteSent()
            try await waitFor("the check after three sends") { reports.all == [99, 98] }
            await clock.waitUntilSleeping()
            // Three more: the count starts again.
            for _ in 1...3 { monitor.noteSent() }
            try await waitFor("the check after three more") { reports.all == [99, 98, 97] }
        }
    }

    @Test func hourlyWithoutSends() async throws {
        try await withMonitor(everySends: 1000) { _, clock, reports in
            await clock.waitUntilSleeping()
            clock.advance(by: 3599)
            #expect(reports.all == [99], "not before the hour")
            clock.advance(by: 1)
            try await waitFor("the hourly check") { reports.all == [99, 98] }
            #expect(await clock.waitUntilSleeping() == clock.now.addingTimeInterval(3600), "the next an hour after it")
            clock.advance(by: 3600)
            try await waitFor("the next hourly check") { reports.all == [99, 98, 97] }
        }
    }
}
