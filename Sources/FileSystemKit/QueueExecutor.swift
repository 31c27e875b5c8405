import Dispatch

/// A serial executor on a dispatch queue of its own, so an actor that uses it runs its
/// (blocking or CPU-heavy) work off Swift's cooperative pool: reading and parsing a large
/// export never holds one of the pool's threads, which the release loop and the control
/// socket need.
///
/// ```swift
/// actor Worker {
///     nonisolated let executor = QueueExecutor(label: "remindd.ingest")
///     nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
/// }
/// ```
public final class QueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
