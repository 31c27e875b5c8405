#if canImport(Glibc)
import Glibc
#endif
import FileSystemKit
public import Foundation
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
/// The file is written under `.tmp/` inside the outbox, fsync'd, and renamed into the
/// outbox (which is then fsync'd), so a reader never sees a partial file. Its name,
/// `remindd-<MessageID>`, makes a second hand-over of the same message a no-op.
///
/// With ``Naming/gammu(_:)`` the files are for gammu-smsd's files backend instead
/// (gammu-smsd-files(7)): named `OUTC<YYYYMMDD>_<HHMMSS>_00_<recipient>_remindd-<id>.txt`
/// (the form `OUT<priority><date>_<time>_<serial>_<recipient>_<note>.<ext>`: priority C,
/// the recipient in E.164 with `+`, the note naming the message), holding only the text:
/// UTF-16LE with a byte order mark for `OutboxFormat = unicode`, or UTF-8 for
/// `OutboxFormat = standard` under a UTF-8 locale. gammu-smsd reads only `OUT*` names in
/// the outbox, so `.tmp/` stays invisible to it.
public struct OutboxProvider: Provider {
    /// How files are named and what they hold.
    public enum Naming: Sendable, Hashable {
        /// smstools3: `remindd-<id>`, headers then the text.
        case smstools
        /// gammu-smsd's files backend: `OUT…_remindd-<id>.txt`, the text alone.
        case gammu(GammuFormat)
    }

    /// gammu-smsd's `OutboxFormat` for `.txt` files.
    public enum GammuFormat: String, Sendable, Hashable {
        /// UTF-16LE with a byte order mark (any text; gammu-smsd `OutboxFormat = unicode`).
        case unicode
        /// UTF-8 (`OutboxFormat = standard`, gammu-smsd under a UTF-8 locale).
        case standard
    }

    public let name = "outbox"
    public let directory: String
    public let naming: Naming
    private let io: BlockingIO
    private let now: @Sendable () -> Date

    public init(directory: String, naming: Naming = .smstools, now: @escaping @Sendable () -> Date = { Date() }) {
        self.directory = directory
        self.naming = naming
        self.now = now
        self.io = BlockingIO(label: "remindd.outbox")
    }

    /// The note that ends a gammu file's name for message `id` (its witness).
    static func gammuSuffix(_ id: MessageID) -> String { "_remindd-\(id).txt" }

    /// The file name for `message` handed over at `date`.
    public func fileName(for message: OutgoingMessage, at date: Date) -> String {
        switch naming {
        case .smstools:
            return "remindd-\(message.id)"
        case .gammu:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let stamp = String(format: "%04d%02d%02d_%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            let recipient = "+" + message.recipient.filter(\.isNumber)
            return "OUTC" + stamp + "_00_" + recipient + Self.gammuSuffix(message.id)
        }
    }

    /// The outbox file of message `id` in `directory` (or `.tmp/` below it), if any.
    private func existing(_ id: MessageID, in directory: String) -> String? {
        switch naming {
        case .smstools:
            let name = "remindd-\(id)"
            return access(directory + "/" + name, F_OK) == 0 ? name : nil
        case .gammu:
            let suffix = Self.gammuSuffix(id)
            return ((try? FileOperations.listDirectory(directory)) ?? []).first { $0.hasPrefix("OUT") && $0.hasSuffix(suffix) }
        }
    }

    /// Creates the outbox and its `.tmp/` directory if missing.
    public func prepare() throws {
        try FileOperations.makeDirectory(directory, mode: 0o750)
        try FileOperations.makeDirectory(directory + "/.tmp", mode: 0o700)
    }

    /// The file's bytes for a message.
    /// Its own witness: the final file `remindd-<id>` is written under `.tmp/`, fsync'd and
    /// renamed into the outbox, so after a crash
    /// - the final file in the outbox: handed over (`true`);
    /// - the temporary file still in `.tmp/`: the rename never happened, so the gateway
    ///   never saw it (`false`: queued again); the temporary copy, which holds the number and
    ///   the text, is removed;
    /// - neither: written and taken by the consumer (smsd), or never begun; nil, the
    ///   `spool.interrupted` rule decides.
    public func handOverWitness(_ id: MessageID) -> Bool? {
        if existing(id, in: directory) != nil { return true }
        if let name = existing(id, in: directory + "/.tmp") {
            unlink(directory + "/.tmp/" + name)
            return false
        }
        return nil
    }

    /// Removes temporary files left in `.tmp/` by hand-overs a crash interrupted and that
    /// recovery did not need as witnesses (their messages were settled otherwise): they
    /// hold numbers and texts. Returns how many were removed.
    @discardableResult
    public func removeLeftovers() -> Int {
        let names = (try? FileOperations.listDirectory(directory + "/.tmp")) ?? []
        var removed = 0
        for name in names where name.hasPrefix("remindd-") || name.hasPrefix("OUT") {
            if unlink(directory + "/.tmp/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    public static func render(_ message: OutgoingMessage) -> [UInt8] {
        var header = "To: " + message.recipient.filter { $0 != "+" } + "\n"
        if !message.text.utf8.allSatisfy({ $0 < 0x80 }) { header += "Alphabet: UTF-8\n" }
        return Array((header + "\n" + message.text).utf8)
    }

    /// A gammu-smsd files-backend text file: the text alone, in the chosen format.
    public static func renderGammu(_ message: OutgoingMessage, format: GammuFormat) -> [UInt8] {
        switch format {
        case .standard: return Array(message.text.utf8)
        case .unicode: return [0xFF, 0xFE] + message.text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        }
    }

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
        let name = fileName(for: message, at: now())
        let directory = self.directory
        let bytes: [UInt8] = switch naming {
        case .smstools: Self.render(message)
        case .gammu(let format): Self.renderGammu(message, format: format)
        }
        let provider = self
        do {
            try await io.run {
                let temporary = directory + "/.tmp/" + name
                let target = directory + "/" + name
                if provider.existing(message.id, in: directory) != nil { return }  // handed over before
                if let stale = provider.existing(message.id, in: directory + "/.tmp") { try FileOperations.removeFile(directory + "/.tmp/" + stale) }
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
