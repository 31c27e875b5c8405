import FileSystemKit
import Logging
import RemindCore
import ServiceLifecycle
import SystemPackage

/// Watches the inbox with inotify and hands each completed file to the engine.
/// After a queue overflow it rescans the directory; it never polls.
struct InboxService: Service {
    let engine: Engine
    let directory: String
    let logger: Logger

    func run() async throws {
        let watcher = try DirectoryWatcher(directory: FilePath(directory))
        defer { watcher.close() }
        // Files that arrived between the start-up scan and the watch being set up.
        await scan()
        for try await event in watcher.cancelOnGracefulShutdown() {
            switch event.kind {
            case .overflow:
                logger.warning("inotify queue overflowed; rescanning the inbox", metadata: [LogKey.path: "\(directory)"])
                await scan()
            case .directoryRemoved:
                logger.critical("the inbox directory disappeared; remindd needs a restart", metadata: [LogKey.path: "\(directory)"])
                throw InboxGone(directory: directory)
            case .written, .movedIn:
                if event.subdirectory == nil { await engine.ingest(inboxName: event.name) }
            case .subdirectoryAdded:
                break
            }
        }
    }

    /// Ingests every candidate file present in the inbox, oldest name first.
    func scan() async {
        let names = (try? FileOperations.listDirectory(directory)) ?? []
        for name in names.sorted() {
            await engine.ingest(inboxName: name)
        }
    }

    struct InboxGone: Error, CustomStringConvertible {
        let directory: String
        var description: String { "inbox directory \(directory) disappeared" }
    }
}
