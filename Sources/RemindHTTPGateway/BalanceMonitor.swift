public import ServiceLifecycle
import Synchronization

/// Asks the gateway for its balance at start, every ``interval`` and after every
/// ``everySends`` accepted hand-overs, and reports each answer (the balance, or why there is
/// none). It never stops sending: what a low balance means is the gateway's to decide.
public final class BalanceMonitor: Service, Sendable {
    public let interval: Duration
    public let everySends: Int
    private let check: @Sendable () async -> Result<Double, HTTPGatewayProbe.Failure>
    private let report: @Sendable (Result<Double, HTTPGatewayProbe.Failure>) async -> Void
    private struct State {
        var sends = 0
        var pending = false
        var stopped = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    public init(interval: Duration = .seconds(3600), everySends: Int,
                check: @escaping @Sendable () async -> Result<Double, HTTPGatewayProbe.Failure>,
                report: @escaping @Sendable (Result<Double, HTTPGatewayProbe.Failure>) async -> Void) {
        precondition(everySends > 0)
        self.interval = interval
        self.everySends = everySends
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
        if due { wakeUp() }
    }

    private func wakeUp() {
        state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let waiter = s.waiter else {
                s.pending = true
                return nil
            }
            s.waiter = nil
            return waiter
        }?.resume()
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
        await withGracefulShutdownHandler {
            while !state.withLock({ $0.stopped }) {
                await report(await check())
                // The next check: after the interval or N sends, whichever comes first.
                await withTaskGroup(of: Void.self) { [interval] group in
                    group.addTask {
                        if (try? await Task.sleep(for: interval)) != nil { self.wakeUp() }
                    }
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        let now = state.withLock { s -> Bool in
                            if s.pending || s.stopped {
                                s.pending = false
                                return true
                            }
                            s.waiter = c
                            return false
                        }
                        if now { c.resume() }
                    }
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.stopped = true }
            self.wakeUp()
        }
    }
}
