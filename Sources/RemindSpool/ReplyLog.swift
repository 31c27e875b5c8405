public import Foundation
public import RemindCore
import FileSystemKit

/// One patient's reply as the practice reads it: one JSON object on one line of
/// `replies/YYYY-MM-DD.jsonl` (the practice-local day it arrived).
public struct ReplyRecord: Codable, Sendable, Hashable {
    /// When the gateway received it (ISO 8601, UTC).
    public var received: Date
    /// The sender, E.164 when it could be read as a number, else as the gateway gave it.
    public var from: String
    /// The sender masked (`+614******78`), for lists and logs.
    public var fromMasked: String
    public var text: String
    /// Whether it put the number on the opt-out list.
    public var optOut: Bool
    /// The latest message sent to that number (the one it answers), if known.
    public var inReplyTo: String?
    /// That message's source and record (appointment) id, and its kind.
    public var source: String?
    public var appointmentID: String?
    public var kind: String?

    public init(received: Date, from: String, fromMasked: String, text: String, optOut: Bool,
                inReplyTo: MessageID? = nil, source: String? = nil, appointmentID: String? = nil, kind: String? = nil) {
        self.received = received
        self.from = from
        self.fromMasked = fromMasked
        self.text = text
        self.optOut = optOut
        self.inReplyTo = inReplyTo.map { "\($0)" }
        self.source = source
        self.appointmentID = appointmentID
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case received, from, fromMasked = "from_masked", text, optOut = "opt_out", inReplyTo = "in_reply_to"
        case source, appointmentID = "appointment_id", kind
    }
}

/// The `replies/` directory: appended by the daemon, read by `remindctl replies` and by
/// the practice's own system. Files are 0600 in a 0700 directory; each append is one whole
/// line, `fdatasync`'d (and the directory fsync'd when the day's file is new) before it
/// returns. A torn last line (a crash mid-append) is skipped by ``read(directory:)``.
public enum ReplyLog {
    /// The day's file name for `date` in `timeZone`: `YYYY-MM-DD.jsonl`.
    public static func fileName(for date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d.jsonl", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// Appends `record` to its day's file in `directory`; durable on return.
    public static func append(_ record: ReplyRecord, directory: String, timeZone: TimeZone) throws {
        var line = try Array(encoder.encode(record))
        line.append(UInt8(ascii: "\n"))
        try FileOperations.makeDirectory(directory, mode: 0o700)
        let path = directory + "/" + fileName(for: record.received, timeZone: timeZone)
        if try FileOperations.fileStatus(path) == nil {
            try FileOperations.createFile(at: path, contents: line, mode: 0o600, synchronize: true)
            try FileOperations.synchronizeDirectory(directory)
        } else {
            try FileOperations.append(to: path, contents: line, synchronize: true)
        }
    }

    /// Every reply in `directory`, oldest first (files by name, lines in order); a line
    /// that does not decode is skipped. A missing directory has none.
    public static func read(directory: String) throws -> [ReplyRecord] {
        guard try FileOperations.fileStatus(directory) != nil else { return [] }
        var out: [ReplyRecord] = []
        for name in try FileOperations.listDirectory(directory).sorted() where name.hasSuffix(".jsonl") && !name.hasPrefix(".") {
            let bytes = try FileOperations.readFile(directory + "/" + name)
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                if let r = try? decoder.decode(ReplyRecord.self, from: Data(line)) { out.append(r) }
            }
        }
        return out.sorted { $0.received < $1.received }
    }

    /// Removes day files last changed before `cutoff`; returns how many.
    public static func prune(directory: String, before cutoff: Date) throws -> Int {
        guard try FileOperations.fileStatus(directory) != nil else { return 0 }
        var removed = 0
        for name in try FileOperations.listDirectory(directory) where name.hasSuffix(".jsonl") {
            let path = directory + "/" + name
            if let s = try FileOperations.fileStatus(path), s.kind == .regular, s.modified < cutoff.timeIntervalSince1970 {
                try FileOperations.removeFile(path)
                removed += 1
            }
        }
        return removed
    }
}
