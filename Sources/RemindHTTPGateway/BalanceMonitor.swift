import Foundation
public import RemindCore
public import ServiceLifecycle
import Synchronization

/// Asks the gateway for its balance at start, every ``interval`` and after every
/// ``everySends`` accepted hand-overs, and reports each answer (the balance, or why there is
/// none). It never stops sending: what a low balance means is the gateway's to decide.
///
/// Between checks it sleeps on its own ``Sleeper`` until the interval is over on its
/// ``WallClock``; the N-th send and shutdown wake it (a wake-up during a check ends the next
/// sleep at once, so none is lost). The daemon gives it a `WallClockSleeper` of its own;
/// tests a `ManualClock`, so the hourly check is tested without waiting an hour.
public final class BalanceMonitor: Service, Sendable {
    public let interval: Duration
    public let everySends: Int
    private let clock: any WallClock
    private let sleeper: any Sleeper
    private let check: @Sendable () async -> Result<Double, HTTPGatewayProbe.Failure>
    private let report: @Sendable (Result<Double, HTTPGatewayProbe.Failure>) async -> Void
    private struct State {
        var sends = 0
        var stopped = false
    }
    private let state = Mutex(State())

    public init(interval: Duration = .seconds(3600), everySends: Int, clock: any WallClock = SystemClock(), sleeper: any Sleeper,
                check: @escaping @Sendable () async -> Result<Double, HTTPGatewayProbe.Failure>,
                report: @escaping @Sendable (Result<Double, HTTPGatewayProbe.Failure>) async -> Void) {
        precondition(everySends > 0)
        precondition(interval > .zero)
        self.interval = interval
        self.everySends = everySends
        self.clock = clock
        self.sleeper = sleeper
        self.check = check
        self.report = report
    }

    /// One hand-over was accepted; every ``everySends``-th wakes the monitor.
    public func noteSent() {
        let due = state.withLock { s -> Bool in
            s.sends += 1
            guard s.sends >= everySends else { return false }
            s.sends = 0
            return true
        }
        if due { sleeper.wake() }
    }

    /// A check now (for the settings built from a probe).
    public static func probe(_ settings: HTTPGatewaySettings, _ balance: HTTPGatewayProbe.Balance) -> @Sendable () async -> Result<Double, HTTPGatewayProbe.Failure> {
        {
            do throws(HTTPGatewayProbe.Failure) {
                let report = try await HTTPGatewayProbe.run(settings, balance: balance)
                guard let value = report.balance else { return .failure(.init(description: "no balance in the answer")) }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
    }

    public func run() async throws {
        let c = interval.components
        let seconds = TimeInterval(c.seconds) + TimeInterval(c.attoseconds) / 1e18
        await withGracefulShutdownHandler {
            while !state.withLock({ $0.stopped }) {
                await report(await check())
                // The next check: once the interval is over, or at the N-th send, whichever
                // comes first. A wall clock set meanwhile: the same deadline, slept on again.
                let deadline = clock.now.addingTimeInterval(seconds)
                var reason = WakeReason.clockChanged
                while reason == .clockChanged, !state.withLock({ $0.stopped }) {
                    reason = await sleeper.sleep(until: deadline)
                }
                if reason == .cancelled { return }
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.stopped = true }
            self.sleeper.wake()
        }
    }
}
