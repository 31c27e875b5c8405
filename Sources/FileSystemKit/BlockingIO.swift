import Dispatch

/// Runs blocking system calls (fsync, rename, readdir) on a dedicated serial thread so
/// they never occupy Swift's cooperative pool. Calls run one at a time, in order.
public final class BlockingIO: Sendable {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the I/O thread and returns its result (or rethrows its error).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
