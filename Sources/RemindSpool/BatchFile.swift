#if canImport(Glibc)
import Glibc
#endif
import FileSystemKit
import Foundation
public import RemindCore

/// The queued messages of one ingested export in one file, `queued/<id>.batch`, and its
/// append-only log of members that left it, `queued/<id>.left`.
///
/// A batch is written once (into `tmp/`, fsync'd, renamed into `queued/`) and never
/// changed. It is the message files of its members one after another, each followed by
/// a blank line (message files have no empty line), between a header and an end record:
///
/// ```
/// Batch: 032A9C4E1F300001
/// Input: appointments-2026-11-24.csv
/// Count: 2
///
/// Id: 032A9C4E1F300001
/// Key: pracsoft/A-1003/reminder
/// …
/// Event: 2026-11-23T09:00:00Z queued
///
/// Id: 032A9C4E1F300002
/// …
///
/// End: 2
/// ```
///
/// A member leaves when it changes state: its own file is made durable in the new
/// state's directory first, then its id is appended to the `.left` log (`<id>` and a
/// newline, fdatasync'd). A member with its own file anywhere has left, whatever the log
/// says (recovery appends what a crash kept out of the log); the log is what keeps a
/// pruned member from coming back. The batch is deleted once every member has left.
public enum BatchFile {
    public static let suffix = ".batch"
    public static let leftSuffix = ".left"

    /// One member's record: where it is in the batch file.
    public struct Member: Sendable, Hashable {
        public var id: MessageID
        public var offset: UInt32
        public var length: UInt32
    }

    /// Encodes messages (each with its events) as a batch; returns the bytes and each
    /// member's record range.
    public static func encode(id: MessageID, input: String?, messages: [SpoolMessage]) -> (bytes: [UInt8], members: [Member]) {
        let (parts, members) = encodeParts(id: id, input: input, messages: messages)
        return (Array(parts.joined()), members)
    }

    /// ``encode(id:input:messages:)``'s bytes in pieces, in order (the header, slices of
    /// records, the end record), so a large batch is written without one buffer holding
    /// all of it. A message without events is encoded with `eventIfNone` (ingest's
    /// `queued`), without copying the messages to add it.
    public static func encodeParts(
        id: MessageID, input: String?, messages: [SpoolMessage], eventIfNone: SpoolEvent? = nil
    ) -> (parts: [[UInt8]], members: [Member]) {
        var header: [UInt8] = []
        header.append(contentsOf: "Batch: \(id)\n".utf8)
        if let input { header.append(contentsOf: "Input: \(MessageFile.escape(input))\n".utf8) }
        header.append(contentsOf: "Count: \(messages.count)\n\n".utf8)
        // Records are independent: a large batch is encoded in slices at once, each into its
        // own buffer, and the slices' offsets are moved along.
        let slices = messages.count < parallelThreshold ? 1 : min(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
        var encoded = [(bytes: [UInt8], members: [Member])](repeating: ([], []), count: slices)
        encoded.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: slices) { s in
                let range = (messages.count * s / slices)..<(messages.count * (s + 1) / slices)
                buffer[s] = encodeRecords(messages[range], eventIfNone: eventIfNone)
            }
        }
        var parts = [header]
        var members: [Member] = []
        members.reserveCapacity(messages.count)
        var offset = header.count
        for slice in encoded {
            precondition(offset + slice.bytes.count < Int(UInt32.max), "a batch larger than 4 GB")
            for member in slice.members { members.append(Member(id: member.id, offset: UInt32(offset) + member.offset, length: member.length)) }
            offset += slice.bytes.count
            parts.append(slice.bytes)
        }
        parts.append(Array("End: \(messages.count)\n".utf8))
        return (parts, members)
    }

    /// From this many messages up, a batch is encoded in parallel slices.
    static let parallelThreshold = 4096

    /// Each message's record and blank line, with offsets from the start of the returned bytes.
    private static func encodeRecords(_ messages: ArraySlice<SpoolMessage>, eventIfNone: SpoolEvent?) -> (bytes: [UInt8], members: [Member]) {
        var out: [UInt8] = []
        out.reserveCapacity(messages.count * (360 + (messages.first?.text.utf8.count ?? 0)))
        var members: [Member] = []
        members.reserveCapacity(messages.count)
        for m in messages {
            let start = out.count
            MessageFile.encode(m, into: &out, eventIfNone: eventIfNone)
            precondition(out.count < Int(UInt32.max), "a batch larger than 4 GB")
            members.append(Member(id: m.id, offset: UInt32(start), length: UInt32(out.count - start)))
            out.append(10)
        }
        return (out, members)
    }

    /// Splits a batch file into its members' records (without decoding them); throws
    /// when the header or the end record is missing or the count disagrees.
    public static func members(of bytes: [UInt8], path: String) throws -> [Member] {
        func corrupt(_ why: String) -> SpoolError { SpoolError(code: .corruptFile, message: "batch file \(why)", path: path) }
        return try bytes.withUnsafeBufferPointer { b -> [Member] in
            let n = b.count
            // Header: lines up to the first blank line.
            guard n > 7, String(decoding: UnsafeBufferPointer(rebasing: b[0..<7]), as: UTF8.self) == "Batch: " else {
                throw corrupt("lacks its Batch: header")
            }
            var p = 0
            var count: Int?
            while p < n {
                guard let e = (p..<n).first(where: { b[$0] == 10 }) else { throw corrupt("has a torn header") }
                if e == p { p += 1; break }
                let line = String(decoding: UnsafeBufferPointer(rebasing: b[p..<e]), as: UTF8.self)
                if line.hasPrefix("Count: ") { count = Int(line.dropFirst(7)) }
                p = e + 1
            }
            guard let count else { throw corrupt("lacks Count:") }
            var members: [Member] = []
            members.reserveCapacity(count)
            while p < n {
                if b[p] == 69 /* E */ { break }
                let start = p
                // A record ends at the first "\n\n".
                var e = p
                while e + 1 < n && !(b[e] == 10 && b[e + 1] == 10) { e += 1 }
                guard e + 1 < n else { throw corrupt("has a torn record") }
                let length = e + 1 - start
                // The record's first line is its Id.
                guard length > 20, b[start] == 73 /* I */, b[start + 1] == 100 /* d */,
                      let id = MessageID(String(decoding: UnsafeBufferPointer(rebasing: b[(start + 4)..<(start + 20)]), as: UTF8.self))
                else { throw corrupt("has a record without an Id: line") }
                members.append(Member(id: id, offset: UInt32(start), length: UInt32(length)))
                p = e + 2
            }
            let end = "End: \(count)\n"
            guard n - p == end.utf8.count, String(decoding: UnsafeBufferPointer(rebasing: b[p..<n]), as: UTF8.self) == end else {
                throw corrupt("lacks its End: record")
            }
            guard members.count == count else { throw corrupt("holds \(members.count) records, not \(count)") }
            return members
        }
    }

    /// Reads one member's record from a batch file.
    ///
    /// The corresponding C functions are `open`, `pread`, `close`.
    static func readRecord(_ path: String, offset: UInt32, length: UInt32) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(errno: errno, operation: "open", path: path) }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: Int(length))
        var done = 0
        while done < Int(length) {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(errno: errno, operation: "pread", path: path)
            }
            if n == 0 { throw FileSystemError(errno: EIO, operation: "pread (short batch file)", path: path) }
            done += n
        }
        return out
    }

    /// The ids in a `.left` log (a torn last line is ignored); empty when there is none.
    public static func readLeft(_ path: String) throws -> Set<MessageID> {
        let bytes: [UInt8]
        do { bytes = try FileOperations.readFile(path) } catch let error as FileSystemError where error.code == .notFound {
            return []
        }
        var ids = Set<MessageID>()
        for line in bytes.split(separator: 10, omittingEmptySubsequences: true) where line.count == 16 {
            if let id = MessageID(String(decoding: line, as: UTF8.self)) { ids.insert(id) }
        }
        return ids
    }

    /// Appends ids to a `.left` log and flushes it; creates the log (and flushes its
    /// directory) the first time.
    ///
    /// The corresponding C functions are `open(O_APPEND)`, `write`, `fdatasync`.
    static func appendLeft(_ path: String, _ ids: [MessageID]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 17)
        for id in ids { bytes += Array("\(id)\n".utf8) }
        var created = false
        var fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        if fd < 0 && errno == ENOENT {
            fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            created = true
        }
        guard fd >= 0 else { throw FileSystemError(errno: errno, operation: "open", path: path) }
        defer { close(fd) }
        // A torn earlier append (a crash mid-write) would glue this id to its remains: start on a line.
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, st.st_size - 1) == 1, last != 10 { bytes.insert(10, at: 0) }
        }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError(errno: errno, operation: "write", path: path)
                }
                done += n
            }
        }
        while fdatasync(fd) != 0 {
            if errno == EINTR { continue }
            throw FileSystemError(errno: errno, operation: "fdatasync", path: path)
        }
        if created { try FileOperations.synchronizeDirectory(FileOperations.directoryName(of: path)) }
    }
}
