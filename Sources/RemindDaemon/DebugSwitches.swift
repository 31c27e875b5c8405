import Foundation
import RemindCore
import RemindDelivery

/// Fault injection for the end-to-end tests under the real systemd, read from the
/// environment once, and only in DEBUG builds: a release build ignores these variables
/// and carries none of this code's effects.
///
/// - `REMINDD_TEST_STALL=inbox:PATH` or `engine:PATH`: when an inbox file is ingested
///   while PATH exists, PATH is removed (so the switch fires once, also across a restart)
///   and then `inbox` stalls the inbox loop in the middle of its work (an await that does
///   not return for two minutes, the engine itself stays responsive), while `engine`
///   blocks the engine actor's thread for two minutes. Either way the watchdog must stop
///   pinging and systemd must restart the service.
/// - `REMINDD_TEST_SEND_DELAY=SECONDS`: every hand-over to the provider takes that long
///   (a slow gateway), so a stop can catch a send in flight.
/// - `REMINDD_TEST_SLOW_RECOVERY=SECONDS`: start-up recovery takes that much longer (a huge
///   spool), so READY=1 comes late and EXTEND_TIMEOUT_USEC must keep systemd waiting.
/// - `REMINDD_TEST_INGEST_PIECE=BYTES`: a CSV or JSON Lines input is read and committed in
///   pieces of that many bytes instead of 1 MiB, so a small export spans many pieces (the
///   `ingest.after-piece` crash point, releases between pieces).
struct DebugSwitches: Sendable {
    enum StallMode: String, Sendable { case inbox, engine }

    struct Stall: Sendable {
        var mode: StallMode
        /// The file whose presence arms the stall.
        var trigger: String
    }

    var stall: Stall?
    var sendDelay: Duration?
    var recoveryDelay: Duration?
    var ingestPiece: Int?

    /// The switches of this process (always off in release builds).
    static let current: DebugSwitches = {
        #if DEBUG
        DebugSwitches(environment: ProcessInfo.processInfo.environment)
        #else
        DebugSwitches()
        #endif
    }()

    init() {}

    init(environment: [String: String]) {
        if let value = environment["REMINDD_TEST_STALL"], let colon = value.firstIndex(of: ":"),
            let mode = StallMode(rawValue: String(value[..<colon]))
        {
            let trigger = String(value[value.index(after: colon)...])
            precondition(trigger.hasPrefix("/"), "REMINDD_TEST_STALL needs an absolute trigger path")
            stall = Stall(mode: mode, trigger: trigger)
        }
        sendDelay = environment["REMINDD_TEST_SEND_DELAY"].flatMap(Double.init).map { .milliseconds(Int64($0 * 1000)) }
        recoveryDelay = environment["REMINDD_TEST_SLOW_RECOVERY"].flatMap(Double.init).map { .milliseconds(Int64($0 * 1000)) }
        ingestPiece = environment["REMINDD_TEST_INGEST_PIECE"].flatMap(Int.init).map { max(16, $0) }
    }

    /// `provider`, slowed down when `REMINDD_TEST_SEND_DELAY` is set.
    func wrap(_ provider: any Provider) -> any Provider {
        guard let sendDelay else { return provider }
        return DelayedProvider(base: provider, delay: sendDelay)
    }

    /// A provider that waits before every hand-over.
    struct DelayedProvider: Provider {
        let base: any Provider
        let delay: Duration
        var name: String { base.name }
        // The window, the events and their acknowledgement stay the base's (an SMPP link's).
        var concurrency: Int { base.concurrency }
        var events: AsyncStream<GatewayEvent>? { base.events }
        func handled(_ event: GatewayEvent, stored: Bool) async { await base.handled(event, stored: stored) }
        // The outbox stays its own witness when it is slowed down.
        func handOverWitness(_ id: MessageID) -> Bool? { base.handOverWitness(id) }
        func stage(_ message: OutgoingMessage) throws { try base.stage(message) }

        func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
            try? await Task.sleep(for: delay)
            return try await base.send(message)
        }
    }
}
