package import Logging
import RemindAssembly
package import RemindDelivery
package import ServiceLifecycle
import RemindSchedule
import SystemdKit

/// The real engine and delivery service on a spool, for `Benchmarks/Delivery` (package
/// access only: not part of the daemon's surface). Built from a configuration file like
/// the daemon, with the given provider in place of the configured one, the system clock
/// and the timerfd sleeper.
package struct DeliveryHarness: Sendable {
    let engine: Engine

    package init(configPath: String, provider: any Provider, logger: Logger) throws {
        engine = Engine(settings: try Assembly.load(configPath: configPath), provider: provider, notifier: Notifier(),
                        sleeper: try WallClockSleeper(), logger: logger)
    }

    /// Recovers the spool and schedules what it holds, as at start-up.
    package func recover() async throws { try await engine.recover() }

    /// The delivery service, to run in a `ServiceGroup`.
    package func service() -> any Service { DeliveryService(engine: engine) }
}
