public import FileSystemKit
public import Foundation
public import RemindCore

/// The spool's one owner in a running daemon: an actor whose executor is the spool's own
/// I/O thread (``FileSystemKit/QueueExecutor``), so every fsync, rename and directory
/// read happens there, one at a time, never on Swift's cooperative pool.
///
/// ``Spool`` itself is not `Sendable`: it lives inside this actor and is only ever seen by
/// the closures ``run(_:)`` runs on its thread, so the compiler, not a comment, keeps
/// every access to its index and counters on one thread.
public actor SpoolStore {
    private nonisolated let executor: QueueExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let spool: Spool
    /// Where the spool is (constant, readable from anywhere).
    public nonisolated let paths: SpoolPaths

    public init(paths: SpoolPaths, label: String = "remindd.spool", clock: @escaping @Sendable () -> Date = { Date() }) {
        self.executor = QueueExecutor(label: label)
        self.paths = paths
        self.spool = Spool(paths: paths, clock: clock)
    }

    /// Runs `body` with the spool on the spool's thread and returns its result.
    public func run<T: Sendable>(_ body: @Sendable (Spool) throws -> T) throws -> T {
        try body(spool)
    }
}
