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
/// The file is written under `.tmp/` inside the outbox and fsync'd before the message moves
/// to `active/` (``stage(_:)``), and renamed into the outbox (which is then fsync'd) to hand
/// it over, so a reader never sees a partial file and a crash never leaves it uncertain. Its name,
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
        let staged = existing(id, in: directory + "/.tmp")
        if existing(id, in: directory) == nil, let staged {
            unlink(directory + "/.tmp/" + staged)
            return false
        }
        if let staged { unlink(directory + "/.tmp/" + staged) }  // a copy left beside a file that made it into the outbox
        return true
    }

    /// Writes the message's file under `.tmp/` and makes it durable (the file, then the
    /// directory entry) before the message moves to `active/`: the witness
    /// ``handOverWitness(_:)`` reads after a crash. A message already in the outbox (handed
    /// over before) is left as it is.
    public func stage(_ message: OutgoingMessage) throws {
        if existing(message.id, in: directory) != nil { return }
        if let stale = existing(message.id, in: directory + "/.tmp") { try FileOperations.removeFile(directory + "/.tmp/" + stale) }
        let name = fileName(for: message, at: now())
        try FileOperations.createFile(at: directory + "/.tmp/" + name, contents: bytes(for: message), mode: 0o640, synchronize: true)
        try FileOperations.synchronizeDirectory(directory + "/.tmp")
    }

    /// What the file of `message` holds, in this outbox's naming.
    func bytes(for message: OutgoingMessage) -> [UInt8] {
        switch naming {
        case .smstools: Self.render(message)
        case .gammu(let format): Self.renderGammu(message, format: format)
        }
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
        let directory = self.directory
        let provider = self
        let name: String
        do {
            name = try await io.run {
                if let done = provider.existing(message.id, in: directory) { return done }  // handed over before
                // Staged before the message went to active/ (stage(_:)); written here only
                // for a caller that did not stage it.
                let staged: String
                if let found = provider.existing(message.id, in: directory + "/.tmp") {
                    staged = found
                } else {
                    staged = provider.fileName(for: message, at: provider.now())
                    try FileOperations.createFile(
                        at: directory + "/.tmp/" + staged, contents: provider.bytes(for: message), mode: 0o640, synchronize: true)
                }
                try FileOperations.rename(directory + "/.tmp/" + staged, to: directory + "/" + staged)
                try FileOperations.synchronizeDirectory(directory)
                return staged
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
