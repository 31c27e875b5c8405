import Foundation
@testable import RemindHTTPGateway
import RemindTesting
import ServiceLifecycle
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct BalanceMonitorTests {
    @Test func checksAtStartAfterEveryNSendsAndStopsAtShutdown() async throws {
        let checks = Mutex(0)
        let reports = Mutex<[Double]>([])
        let monitor = BalanceMonitor(interval: .seconds(3600), everySends: 3, check: {
            let n = checks.withLock { c in
                c += 1
                return c
            }
            return .success(Double(100 - n))
        }, report: { result in
            if case .success(let v) = result { reports.withLock { $0.append(v) } }
        })
        let group = ServiceGroup(services: [monitor], logger: Fixture.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await waitFor("the check at start") { reports.withLock { $0 } == [99] }
            monitor.noteSent()
            monitor.noteSent()
            try await Task.sleep(for: .milliseconds(100))
            #expect(checks.withLock { $0 } == 1)  // two sends: not yet
            monitor.noteSent()
            try await waitFor("the check after three sends") { reports.withLock { $0 } == [99, 98] }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(checks.withLock { $0 } == 2)
    }

    @Test func theIntervalAloneBringsTheNextCheck() async throws {
        let checks = Mutex(0)
        let monitor = BalanceMonitor(interval: .milliseconds(200), everySends: 1000, check: {
            checks.withLock { $0 += 1 }
            return .failure(.init(description: "down"))
        }, report: { _ in })
        let group = ServiceGroup(services: [monitor], logger: Fixture.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await waitFor("three checks") { checks.withLock { $0 } >= 3 }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
