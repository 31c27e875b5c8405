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
    /// Also watch (and scan) the inbox's subdirectories, for sources that read one.
    var subdirectories = false

    func run() async throws {
        let watcher = try DirectoryWatcher(
            directory: FilePath(directory), includeSubdirectories: subdirectories, reportCreations: true)
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
                if let raw = event.entryName {
                    await engine.ingest(entryName: raw, subdirectory: event.subdirectory)
                } else {
                    await engine.ingest(inboxName: event.relativePath)
                }
            case .created:
                // Links, FIFOs and devices are never written or moved in: refuse them now.
                // A regular file created in place waits for its writer's close.
                if let raw = event.entryName {
                    await engine.ingest(entryName: raw, subdirectory: event.subdirectory, unlessRegular: true)
                } else {
                    await engine.ingest(inboxName: event.relativePath, unlessRegular: true)
                }
            case .subdirectoryAdded:
                await scan(event.relativePath)
            }
        }
    }

    /// Ingests every candidate file present in the inbox (and, with `subdirectories`, in
    /// the directories under it), oldest name first.
    func scan() async {
        await scan(nil)
    }

    /// Scans one directory (relative to the inbox; nil for the inbox), then its subdirectories.
    private func scan(_ relative: String?, depth: Int = 0) async {
        let path = relative.map { directory + "/" + $0 } ?? directory
        let entries = (try? FileOperations.listDirectoryEntries(path)) ?? []
        var directories: [String] = []
        for entry in entries.sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }) {
            // A name that is not UTF-8 is renamed to a readable one first (Engine+Inbox.swift).
            guard let name = entry.text else {
                await engine.ingest(entryName: entry, subdirectory: relative)
                continue
            }
            let entry = relative.map { $0 + "/" + name } ?? name
            if subdirectories, !name.hasPrefix("."), (try? FileOperations.fileStatus(directory + "/" + entry))??.kind == .directory {
                directories.append(entry)
                continue
            }
            await engine.ingest(inboxName: entry)
        }
        guard depth < 8 else { return }
        for entry in directories { await scan(entry, depth: depth + 1) }
    }

    struct InboxGone: Error, CustomStringConvertible {
        let directory: String
        var description: String { "inbox directory \(directory) disappeared" }
    }
}
