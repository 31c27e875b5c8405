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
        let claimedAs = Self.originalName(ofClaimed: claimed.path.split(separator: "/").last.map(String.init) ?? "")
        if claimedAs != name {
            log(.inputRenamed, .notice, "inbox file name is too long; claimed under a shorter name",
                [LogKey.inboxFile: "\(name)", LogKey.claimedName: "\(claimedAs)",
                 LogKey.reason: "the claimed name would exceed the file system's 255 bytes; the full name is kept in this entry and in a rejection's .reason"])
        }
        if let refusal {
            await refuse(claimed, reason: refusal)
            return
        }
        await ingest(claimed: claimed)
    }

    /// An inbox entry whose name is not valid UTF-8 (a Latin-1 `M\xFCller.csv`): no `String`
    /// names it, so it is first renamed in place, by its bytes, to its readable escaped form
    /// (`M%FCller.csv`, see ``EntryName/escaped``), logged at notice, and then claimed like
    /// any other file. Without this it was ignored for ever with no log line.
    /// `subdirectory` is the entry's directory relative to the inbox (nil for the inbox).
    func ingest(entryName name: EntryName, subdirectory: String?, unlessRegular: Bool = false) async {
        let directory = settings.paths.inbox + (subdirectory.map { "/" + $0 } ?? "")
        let readable = name.escaped
        let relative = subdirectory.map { $0 + "/" + readable } ?? readable
        guard InboxNames.isCandidate(relative) else { return }
        do {
            let status = try await store.run { _ in try FileOperations.fileStatus(name, in: directory) }
            guard let status, !(unlessRegular && status.kind == .regular) else { return }
            try await store.run { _ in
                try FileOperations.renameNoReplace(name, in: directory, to: directory + "/" + readable)
                try FileOperations.synchronizeDirectory(directory)
            }
        } catch let error as FileSystemError where error.code == .notFound {
            return
        } catch {
            reportSpoolError(error, file: relative)
            return
        }
        log(.inputRenamed, .notice, "inbox file name is not valid UTF-8; renamed to a readable name",
            [LogKey.inboxFile: "\(relative)", LogKey.reason: "its name is not valid UTF-8: each invalid byte is written %XX"])
        await ingest(inboxName: relative, unlessRegular: unlessRegular)
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

    /// An input's ACKs, or one piece's: a file read in pieces builds its ACK file in
    /// `.<name>.part` beside it, begun by its first piece and put in place by its last.
    struct AcknowledgementWrite: Sendable {
        var bytes: [UInt8]
        var path: String
        var first = true
        var last = true
    }

    /// Writes an input's ACKs atomically (a re-ingest after a crash writes the same file
    /// again): at once for a whole file, or piece by piece into a partial file that the
    /// last piece renames into place, so a reader never sees a part.
    nonisolated static func writeAcknowledgement(_ ack: AcknowledgementWrite) throws {
        let path = ack.path
        do {
            let directory = FileOperations.directoryName(of: path)
            try FileOperations.makeDirectory(directory, mode: 0o750)
            if ack.first && ack.last {
                try FileOperations.replaceFile(at: path, contents: ack.bytes, mode: 0o640)
                return
            }
            let partial = directory + "/." + (path.split(separator: "/").last.map(String.init) ?? "input") + ".part"
            if ack.first {
                try FileOperations.removeFile(partial)
                try FileOperations.createFile(at: partial, contents: ack.bytes, mode: 0o640, synchronize: true)
            } else {
                try FileOperations.append(to: partial, contents: ack.bytes, synchronize: true)
            }
            if ack.last {
                try FileOperations.rename(partial, to: path)
                try FileOperations.synchronizeDirectory(directory)
            }
        } catch let error as FileSystemError {
            throw SpoolError(code: .fileSystem, message: "cannot write the HL7 acknowledgement", path: path, cause: error)
        }
    }
}
