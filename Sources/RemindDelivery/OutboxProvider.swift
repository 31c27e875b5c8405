import FileSystemKit
import RemindCore

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
/// The file is written under `.tmp/` inside the outbox, fsync'd, and renamed into the
/// outbox (which is then fsync'd), so a reader never sees a partial file. Its name,
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

    /// The file's bytes for a message.
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
                try FileOperations.removeFile(temporary)
                try FileOperations.createFile(at: temporary, contents: bytes, mode: 0o640, synchronize: true)
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
