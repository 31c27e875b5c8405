import Foundation
public import RemindCore
public import RemindDelivery
import Synchronization

/// An in-process gateway for tests of the delivery service: it takes up to `concurrency`
/// hand-overs at once and holds each until the test answers it (or answers by itself
/// after a delay), and it emits gateway events (receipts, replies, link state) when told.
///
/// ```swift
/// let gateway = FakeGateway(concurrency: 3)
/// try await gateway.waitForInFlight(3)
/// gateway.accept(gateway.inFlight[2])            // answered out of order
/// gateway.emit(.receipt(.init(reference: "fake-…", outcome: .delivered, time: clock.now)))
/// ```
///
/// A hand-over whose task is cancelled (a stop past its grace) answers `uncertain`, as a
/// real provider that cannot tell would.
public final class FakeGateway: Provider {
    /// How hand-overs are answered.
    public enum Mode: Sendable {
        /// Held until the test answers.
        case hold
        /// Accepted after this long (a gateway's round trip).
        case acceptAfter(Duration)
    }

    public let name = "fake"
    public let concurrency: Int
    public let events: AsyncStream<GatewayEvent>?
    private let continuation: AsyncStream<GatewayEvent>.Continuation
    private let mode: Mode

    private struct Held {
        var message: OutgoingMessage
        var answer: CheckedContinuation<Result<DeliveryResult, DeliveryError>, Never>
    }

    private struct State {
        var held: [Held] = []
        var received: [OutgoingMessage] = []
        var accepted: [OutgoingMessage] = []
        var mostInFlight = 0
        var inFlightNow = 0
        var handled: [(GatewayEvent, Bool)] = []
    }

    private let state = Mutex(State())

    public init(concurrency: Int = 1, mode: Mode = .hold) {
        self.concurrency = concurrency
        self.mode = mode
        let (stream, continuation) = AsyncStream<GatewayEvent>.makeStream()
        self.events = stream
        self.continuation = continuation
    }

    /// The reference the gateway gives a message it accepts.
    public static func reference(of id: MessageID) -> String { "fake-\(id)" }

    // MARK: What it saw

    /// Messages handed over and not yet answered, in the order they arrived.
    public var inFlight: [MessageID] { state.withLock { $0.held.map(\.message.id) } }
    /// Every message handed over, in order.
    public var received: [OutgoingMessage] { state.withLock { $0.received } }
    /// Messages accepted, in the order they were answered.
    public var accepted: [OutgoingMessage] { state.withLock { $0.accepted } }
    /// The most hand-overs in flight at once so far.
    public var mostInFlight: Int { state.withLock { $0.mostInFlight } }
    /// Events the delivery service has applied, with whether they were stored.
    public var handledEvents: [(GatewayEvent, Bool)] { state.withLock { $0.handled } }

    // MARK: Steering

    /// Accepts a held message (reference ``reference(of:)``).
    public func accept(_ id: MessageID) {
        answer(id, .success(DeliveryResult(reference: Self.reference(of: id))))
    }

    /// Fails a held message with `error`.
    public func fail(_ id: MessageID, _ error: DeliveryError) { answer(id, .failure(error)) }

    /// Answers a held message.
    public func answer(_ id: MessageID, _ result: Result<DeliveryResult, DeliveryError>) {
        let held = state.withLock { state -> Held? in
            guard let i = state.held.firstIndex(where: { $0.message.id == id }) else { return nil }
            let held = state.held.remove(at: i)
            if case .success = result { state.accepted.append(held.message) }
            return held
        }
        precondition(held != nil, "message \(id) is not held by the fake gateway")
        held?.answer.resume(returning: result)
    }

    /// Reports an event, as a gateway does on its own.
    public func emit(_ event: GatewayEvent) { continuation.yield(event) }

    /// Ends the event stream (the provider shut down).
    public func finishEvents() { continuation.finish() }

    public func handled(_ event: GatewayEvent, stored: Bool) async {
        state.withLock { $0.handled.append((event, stored)) }
    }

    // MARK: Waiting

    /// Waits until at least `count` hand-overs are held (polling every 5 ms, up to `timeout`: a
    /// bound against a hang, generous because a loaded test run can starve the cooperative pool).
    public func waitForInFlight(_ count: Int, timeout: Duration = .seconds(60)) async throws {
        try await waitUntil(timeout: timeout, "\(count) hand-overs in flight") { self.inFlight.count >= count }
    }

    /// Waits until the delivery service has applied at least `count` events.
    public func waitForHandled(_ count: Int, timeout: Duration = .seconds(60)) async throws {
        try await waitUntil(timeout: timeout, "\(count) events handled") { self.handledEvents.count >= count }
    }

    /// Waits until `condition` holds, polling every 5 ms, up to `timeout`.
    public func waitUntil(timeout: Duration = .seconds(60), _ what: String, _ condition: @Sendable () -> Bool) async throws {
        let end = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < end else { throw FakeGatewayTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    // MARK: Provider

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
        state.withLock { state in
            state.received.append(message)
            state.inFlightNow += 1
            state.mostInFlight = max(state.mostInFlight, state.inFlightNow)
        }
        defer { state.withLock { $0.inFlightNow -= 1 } }
        switch mode {
        case .acceptAfter(let delay):
            try? await Task.sleep(for: delay)
            state.withLock { $0.accepted.append(message) }
            return DeliveryResult(reference: Self.reference(of: message.id))
        case .hold:
            let result = await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Result<DeliveryResult, DeliveryError>, Never>) in
                    let cancelled = state.withLock { state -> Bool in
                        if Task.isCancelled { return true }
                        state.held.append(Held(message: message, answer: c))
                        return false
                    }
                    if cancelled { c.resume(returning: .failure(DeliveryError(.uncertain, "cancelled mid-hand-over"))) }
                }
            } onCancel: {
                let held = state.withLock { state -> Held? in
                    guard let i = state.held.firstIndex(where: { $0.message.id == message.id }) else { return nil }
                    return state.held.remove(at: i)
                }
                held?.answer.resume(returning: .failure(DeliveryError(.uncertain, "cancelled mid-hand-over")))
            }
            return try result.get()
        }
    }
}

/// A ``FakeGateway`` wait ran out.
public struct FakeGatewayTimeout: Error, CustomStringConvertible {
    public let what: String
    public init(what: String) { self.what = what }
    public var description: String { "timed out waiting for \(what)" }
}
