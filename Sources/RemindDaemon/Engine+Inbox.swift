import FileSystemKit
import Foundation
import Logging
import RemindAssembly
import RemindConfig
import RemindCore
import RemindSchedule
import RemindSpool

/// Inbox hygiene: which inbox entries are claimed, when, and which are refused.
///
/// A file is looked at with `lstat` before anything opens it: directories are left to the
/// scan, symbolic links, FIFOs, devices and sockets are refused (moved to `rejected/` with
/// a `.reason`; a rename never opens them, so a FIFO cannot block the daemon), and a file
/// over `[inbox] max_size` is refused with its size. With `[inbox] settle`, a file is
/// claimed only once its modification time is `settle` old, as ``InboxSettling`` decides:
/// until then it waits there and the release loop's sleep is capped by its deadline (one
/// re-check per file and change, no polling loop).
extension Engine {
    /// Claims an inbox file (a name, or a path relative to the inbox for files in its
    /// subdirectories) and ingests it. Files that are not for us (dotfiles, `*.tmp`,
    /// `*.part`), directories and files that vanished are ignored. With `unlessRegular`
    /// (an entry just created in place), a regular file is left for its writer's close.
    func ingest(inboxName name: String, unlessRegular: Bool = false) async {
        guard InboxNames.isCandidate(name) else { return }
        let path = settings.paths.inbox + "/" + name
        let status: FileStatus?
        do {
            status = try await store.run { _ in try FileOperations.fileStatus(path) }
        } catch {
            reportSpoolError(error, file: name)
            return
        }
        guard let status else {
            settling.forget(name)
            return
        }
        if status.kind == .directory || (unlessRegular && status.kind == .regular) { return }
        if status.kind == .regular,
            case .wait = settling.look(at: name, modified: status.modified, settle: settings.config.inbox.settle, now: clock.now)
        {
            sleeper.wake()
            return
        }
        settling.forget(name)
        let refusal = Self.refusal(status, maxSize: settings.config.inbox.maxSize)
        let claimed: ClaimedInput?
        do {
            claimed = try await withSpool { try $0.claim(inboxName: name) }
        } catch {
            reportSpoolError(error, file: name)
            return
        }
        guard let claimed else { return }
        log(.inputClaimed, .debug, "inbox file claimed", [LogKey.inboxFile: "\(name)"])
        if let refusal {
            await refuse(claimed, reason: refusal)
            return
        }
        await ingest(claimed: claimed)
    }

    /// Why an inbox entry is refused without being opened; nil for a regular file within the limit.
    nonisolated static func refusal(_ status: FileStatus, maxSize: Int) -> String? {
        switch status.kind {
        case .regular:
            return status.size > maxSize ? "the file is \(status.size) bytes, over the limit of \(maxSize) ([inbox] max_size)" : nil
        case .symbolicLink: return "a symbolic link, not a regular file (refused unread)"
        case .directory: return "a directory, not a regular file"
        case .other: return "a FIFO, device or socket, not a regular file (refused unread)"
        }
    }

    /// Moves a claimed input to `rejected/` with the reason beside it, and says so.
    func refuse(_ claimed: ClaimedInput, reason: String) async {
        do {
            try await withSpool { try $0.reject(claimed, reason: reason) }
            filesRejected += 1
            log(.inputRejected, .warning, "inbox file rejected", [LogKey.inboxFile: "\(claimed.originalName)", LogKey.reason: "\(reason)"])
            statusChanged()
        } catch {
            reportSpoolError(error, file: claimed.originalName)
        }
    }

    /// The earliest time a settling file is looked at again.
    var nextSettleCheck: Date? { settling.nextCheck }

    /// Looks again at every settling file whose time has come.
    func recheckSettling() async {
        for name in settling.due(now: clock.now) {
            await ingest(inboxName: name)
        }
    }

    /// `ack/<millis>-<n>-<inbox path>.ack`: one ACK file per input, named like its claimed
    /// copy but readable: a subdirectory's `/` becomes `_` (`hl7/feed.hl7` →
    /// `…-hl7_feed.hl7.ack`), never `%2F`.
    nonisolated static func ackName(_ claimed: ClaimedInput) -> String {
        let claimedName = claimed.path.split(separator: "/").last.map(String.init) ?? "input"
        let parts = claimedName.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        let readable = claimed.originalName.replacingOccurrences(of: "/", with: "_")
        guard parts.count == 3 else { return readable + ".ack" }
        return "\(parts[0])-\(parts[1])-\(readable).ack"
    }

    /// Writes an input's ACKs atomically (a re-ingest after a crash writes the same file again).
    nonisolated static func writeAcknowledgement(_ bytes: [UInt8], to path: String) throws {
        do {
            try FileOperations.makeDirectory(FileOperations.directoryName(of: path), mode: 0o750)
            try FileOperations.replaceFile(at: path, contents: bytes, mode: 0o640)
        } catch let error as FileSystemError {
            throw SpoolError(code: .fileSystem, message: "cannot write the HL7 acknowledgement", path: path, cause: error)
        }
    }
}
