#if canImport(Glibc)
import Glibc
#endif
import FileSystemKit
public import RemindCore

/// Writes each message as a file in smstools3's outgoing format, so remindd needs no
/// gateway of its own and can hand off to smstools3 (or any spooler reading that format):
///
/// ```
/// To: 61412345678
/// Alphabet: UTF-8        (only when the text is not plain ASCII)
///
/// Hi Ann, …
/// ```
///
/// The file is written under `.tmp/` inside the outbox and fsync'd before the message moves
/// to `active/` (``stage(_:)``), and renamed into the outbox (which is then fsync'd) to hand
/// it over, so a reader never sees a partial file and a crash never leaves it uncertain. Its name,
/// `remindd-<MessageID>`, makes a second hand-over of the same message a no-op.
public struct OutboxProvider: Provider {
    public let name = "outbox"
    public let directory: String
    private let io: BlockingIO

    public init(directory: String) {
        self.directory = directory
        self.io = BlockingIO(label: "remindd.outbox")
    }

    /// Creates the outbox and its `.tmp/` directory if missing.
    public func prepare() throws {
        try FileOperations.makeDirectory(directory, mode: 0o750)
        try FileOperations.makeDirectory(directory + "/.tmp", mode: 0o700)
    }

    /// Its own witness. Before a message moves to `active/`, its file is written under
    /// `.tmp/` and made durable (``stage(_:)``); the hand-over renames it into the outbox.
    /// So after a crash, for a message found in `active/`:
    /// - the temporary file still in `.tmp/`: the rename never happened, so the gateway
    ///   never saw it (`false`: queued again); the temporary copy, which holds the number and
    ///   the text, is removed;
    /// - otherwise it was renamed into the outbox (`true`: sent), whether the file is still
    ///   there or the consumer (smsd) has taken it already.
    /// A message in `active/` always had its file staged first, so the outbox never leaves
    /// a message `uncertain`.
    public func handOverWitness(_ id: MessageID) -> Bool? {
        let name = "remindd-\(id)"
        let temporary = directory + "/.tmp/" + name
        if access(directory + "/" + name, F_OK) != 0, access(temporary, F_OK) == 0 {
            unlink(temporary)
            return false
        }
        unlink(temporary)  // a copy left beside a file that made it into the outbox
        return true
    }

    /// Writes the message's file under `.tmp/` and makes it durable (the file, then the
    /// directory entry) before the message moves to `active/`: the witness
    /// ``handOverWitness(_:)`` reads after a crash. A message already in the outbox (handed
    /// over before) is left as it is.
    public func stage(_ message: OutgoingMessage) throws {
        let name = "remindd-\(message.id)"
        if try FileOperations.fileStatus(directory + "/" + name) != nil { return }
        let temporary = directory + "/.tmp/" + name
        try FileOperations.removeFile(temporary)
        try FileOperations.createFile(at: temporary, contents: Self.render(message), mode: 0o640, synchronize: true)
        try FileOperations.synchronizeDirectory(directory + "/.tmp")
    }

    /// Removes temporary files left in `.tmp/` by hand-overs a crash interrupted and that
    /// recovery did not need as witnesses (their messages were settled otherwise): they
    /// hold numbers and texts. Returns how many were removed.
    @discardableResult
    public func removeLeftovers() -> Int {
        let names = (try? FileOperations.listDirectory(directory + "/.tmp")) ?? []
        var removed = 0
        for name in names where name.hasPrefix("remindd-") {
            if unlink(directory + "/.tmp/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    public static func render(_ message: OutgoingMessage) -> [UInt8] {
        var header = "To: " + message.recipient.filter { $0 != "+" } + "\n"
        if !message.text.utf8.allSatisfy({ $0 < 0x80 }) { header += "Alphabet: UTF-8\n" }
        return Array((header + "\n" + message.text).utf8)
    }

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
        let name = "remindd-\(message.id)"
        let directory = self.directory
        let bytes = Self.render(message)
        do {
            try await io.run {
                let temporary = directory + "/.tmp/" + name
                let target = directory + "/" + name
                if try FileOperations.fileStatus(target) != nil { return }  // handed over before
                // Staged before the message went to active/ (stage(_:)); written here only
                // for a caller that did not stage it.
                if try FileOperations.fileStatus(temporary) == nil {
                    try FileOperations.createFile(at: temporary, contents: bytes, mode: 0o640, synchronize: true)
                }
                try FileOperations.rename(temporary, to: target)
                try FileOperations.synchronizeDirectory(directory)
            }
        } catch let error as FileSystemError {
            // A full or failing disk may recover; a missing or forbidden directory needs an operator,
            // but the message itself is fine, so it stays retryable too.
            throw DeliveryError(.temporary, "outbox \(directory): \(error)")
        } catch {
            throw DeliveryError(.temporary, "outbox \(directory): \(error)")
        }
        return DeliveryResult(reference: name)
    }
}
