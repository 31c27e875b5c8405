import Foundation
public import RemindDelivery

/// A ``Provider`` that records every message it accepts and can be told to fail.
public final class RecordingProvider: Provider, @unchecked Sendable {
    public let name = "recording"
    private let lock = NSLock()
    private var _sent: [OutgoingMessage] = []
    private var _failures: [DeliveryError] = []

    public init() {}

    /// Messages accepted so far, in order.
    public var sent: [OutgoingMessage] { lock.withLock { _sent } }

    /// The next calls fail with these errors, in order; later calls succeed again.
    public func failNext(_ errors: DeliveryError...) { lock.withLock { _failures += errors } }

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
        let failure: DeliveryError? = lock.withLock {
            if _failures.isEmpty {
                _sent.append(message)
                return nil
            }
            return _failures.removeFirst()
        }
        if let failure { throw failure }
        return DeliveryResult(reference: "rec-\(message.id)")
    }
}
