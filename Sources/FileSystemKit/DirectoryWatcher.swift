// DirectoryWatcher: inotify as an AsyncSequence.
//
// What it does: watches one directory (optionally with its subdirectories) and reports
// files closed after writing (IN_CLOSE_WRITE) and files renamed in (IN_MOVED_TO), an
// inotify queue overflow (the caller rescans) and the directory's own removal. Names
// that writers use for partial files (dotfiles, *.tmp, *.part) are filtered here.
// A dedicated thread blocks in poll(2) on the inotify descriptor and an eventfd that
// stops it; no timer, no polling loop. Events reach the consumer through a bounded
// buffer: when the consumer falls behind, the thread stops reading and the kernel's own
// queue fills and overflows, which arrives as `.overflow`, so nothing is lost unseen.
//
// What it does not touch: file contents, renames, fsync; it never opens a watched file.
//
// How it fails: setting up throws a DirectoryWatcherError (missing directory, inotify
// limits); a read error while running is thrown from the iterator, which then ends.
// Cancelling the consuming task or calling close() stops the thread and closes both
// descriptors; close() returns once the thread has exited.
public import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Watches a directory with inotify and delivers what happens in it as an `AsyncSequence`.
///
/// ```swift
/// let watcher = try DirectoryWatcher(directory: "/var/spool/remindd/inbox")
/// for try await event in watcher {
///     switch event.kind {
///     case .written, .movedIn: claim(event.relativePath)
///     case .created: break  // only with reportCreations
///     case .overflow, .subdirectoryAdded: rescan()
///     case .directoryRemoved: break  // the sequence ends after this event
///     }
/// }
/// ```
///
/// The watch is in place when the initializer returns, so a caller that scans the directory
/// after creating the watcher misses nothing (it may see a file both ways; claiming must be
/// idempotent). The sequence has a single consumer. Cancelling the task that iterates it, or
/// calling ``close()``, ends it (`next()` returns nil) and stops the thread promptly;
/// events still buffered are dropped, as the caller's next start-up scan finds their files.
public final class DirectoryWatcher: AsyncSequence, Sendable {
    public typealias Element = Event
    public typealias Failure = DirectoryWatcherError

    let core: Core

    /// Starts watching `directory`.
    ///
    /// - Parameters:
    ///   - directory: The directory to watch; a symbolic link is refused.
    ///   - includeSubdirectories: Also watch every subdirectory, present and future, at any
    ///     depth (except those the filter ignores).
    ///   - filter: Names never reported (files and subdirectories alike).
    ///   - reportCreations: Also report entries created in place (``Kind/created``), so a
    ///     caller can notice symbolic links, FIFOs and devices, which are never written or moved in.
    ///   - bufferCapacity: How many events wait for the consumer before the thread stops
    ///     reading (then the kernel queues, and past its limit reports an overflow).
    public init(
        directory: FilePath, includeSubdirectories: Bool = false, filter: NameFilter = .partialFiles,
        bufferCapacity: Int = 1024, reportCreations: Bool = false
    ) throws(DirectoryWatcherError) {
        precondition(bufferCapacity > 0, "bufferCapacity must be positive")
        core = try Core(
            directory: directory, includeSubdirectories: includeSubdirectories, filter: filter,
            bufferCapacity: bufferCapacity, reportCreations: reportCreations)
        try core.start()
    }

    deinit {
        core.stopAndJoin()
    }

    /// Stops watching: the sequence ends (a waiting `next()` returns nil), and the thread
    /// exits and closes its descriptors before this returns. Calling it again does nothing.
    public func close() {
        core.stopAndJoin()
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(watcher: self)
    }

    /// Delivers the watcher's events; keeps the watcher alive while it iterates.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let watcher: DirectoryWatcher

        /// The next event; nil once the watcher was closed, the consuming task cancelled,
        /// or after ``Kind/directoryRemoved``. Throws once if reading inotify failed.
        public mutating func next() async throws(DirectoryWatcherError) -> Event? {
            try await watcher.core.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(DirectoryWatcherError) -> Event? {
            try await watcher.core.next()
        }
    }
}
