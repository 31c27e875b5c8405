#if canImport(Glibc)
import Glibc
#endif
import FileSystemKit
import Foundation
import RemindCore

/// The index checkpoint: every message's entry and location in one binary file,
/// `state/index`, so start-up reads one file and lists the state directories instead of
/// opening every message file and parsing every batch.
///
/// The message files and batches stay the source of truth. The checkpoint is a cache
/// that recovery checks against a `readdir` of every state directory: an entry with its
/// own file is trusted only if that file is in the directory the checkpoint says; a
/// batch member only if its batch is listed here (it existed when the checkpoint was
/// written, and batches never change) and is still in `queued/`. Every other file and
/// batch is read, and entries whose file is gone are dropped. A missing, short or
/// damaged checkpoint is ignored (everything is read), so it can be deleted at any time.
///
/// Layout (little-endian): the magic `RMDIDX02`; the batch count (u64) and each batch's
/// id (u64); the entry count (u64); per entry: id (u64), state (u8), kind (u8), flags
/// (u8: 1 = expires, 2 = appointment, 4 = in a batch, bits 3-5 the expiry cause + 1,
/// 0 in a checkpoint written before causes were kept, when it is inferred), due, expires, appointment, since
/// (i64 seconds each), when in a batch its id (u64), record offset and length (u32
/// each), and the key's three parts, each a u16 length and UTF-8 bytes. The file ends
/// with the magic again (an explicit end record). It is read in 1 MB chunks, never
/// whole (a million entries are about 80 MB).
enum SpoolCheckpoint {
    static let magic: [UInt8] = Array("RMDIDX02".utf8)

    /// Writes the index to `path` atomically (a temporary file beside it, written in 1 MB
    /// pieces, fsync'd, renamed over `path`, the directory fsync'd): a million entries
    /// never sit in memory as one 80 MB buffer.
    ///
    /// - Parameter unlogged: members that left a batch (id → batch) whose `.left` line is
    ///   not yet written: recorded as still in their batch, so that recovery, finding
    ///   their own files, writes the line (a checkpoint must never be the only record that
    ///   a member left).
    static func write(_ index: SpoolIndex, unlogged: [MessageID: MessageID], to path: String) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileSystemError(errno: errno, operation: "open", path: temporary) }
        do {
            let batches = index.batches.values.map(\.id)
            let entries = index.liveSlots.lazy.map { n -> (SpoolEntry, MessageLocation) in
                let entry = index.entry(n)
                var location = index.location(n)
                if location.batch == nil, let batch = unlogged[entry.id] { location = MessageLocation(batch: batch, offset: 0, length: 0) }
                return (entry, location)
            }
            try encode(batches: batches, count: index.count, entries: entries,
                       flushEvery: 1 << 20) { bytes in try writeAll(fd, bytes, temporary) }
            while fsync(fd) != 0 {
                if errno == EINTR { continue }
                throw FileSystemError(errno: errno, operation: "fsync", path: temporary)
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        try FileOperations.rename(temporary, to: path)
        try FileOperations.synchronizeDirectory(FileOperations.directoryName(of: path))
    }

    /// Encodes entries in checkpoint form, in one buffer.
    static func encode<S: Sequence>(batches: [MessageID], count: Int, entries: S) -> [UInt8] where S.Element == (SpoolEntry, MessageLocation) {
        var all: [UInt8] = []
        encode(batches: batches, count: count, entries: entries, flushEvery: Int.max) { all += $0 }
        return all
    }

    /// Encodes entries in checkpoint form, handing `sink` a piece whenever `flushEvery` bytes are ready.
    static func encode<S: Sequence>(
        batches: [MessageID], count: Int, entries: S, flushEvery: Int, sink: ([UInt8]) throws -> Void
    ) rethrows where S.Element == (SpoolEntry, MessageLocation) {
        var out: [UInt8] = []
        out.reserveCapacity(min(flushEvery, 32 + batches.count * 8 + count * 90) + 1024)
        out += magic
        put(UInt64(batches.count), &out)
        for b in batches { put(b.rawValue, &out) }
        put(UInt64(count), &out)
        var written = 0
        for (e, location) in entries {
            put(e.id.rawValue, &out)
            out.append(UInt8(MessageState.allCases.firstIndex(of: e.state)!))
            out.append(UInt8(MessageKind.allCases.firstIndex(of: e.kind)!))
            out.append((e.expires == nil ? 0 : 1) | (e.appointmentStart == nil ? 0 : 2) | (location.batch == nil ? 0 : 4)
                | (e.expiryCause.rawValue + 1) << 3)
            put(seconds(e.due), &out)
            put(seconds(e.expires ?? Date(timeIntervalSince1970: 0)), &out)
            put(seconds(e.appointmentStart ?? Date(timeIntervalSince1970: 0)), &out)
            put(seconds(e.since), &out)
            if let batch = location.batch {
                put(batch.rawValue, &out)
                put32(location.offset, &out)
                put32(location.length, &out)
            }
            for part in [e.key.source, e.key.recordID, e.key.rule] {
                let bytes = Array(part.utf8.prefix(Int(UInt16.max)))
                put16(UInt16(bytes.count), &out)
                out += bytes
            }
            written += 1
            if out.count >= flushEvery {
                try sink(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        precondition(written == count, "checkpoint count does not match the entries")
        out += magic
        try sink(out)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError(errno: errno, operation: "write", path: path)
                }
                done += n
            }
        }
    }

    /// Decodes a checkpoint file entry by entry, reading it in chunks: `batches` gets the
    /// batches it knows, then `each` every entry. False when the file is missing, damaged
    /// or incomplete, after some entries may already have been passed (the caller then
    /// discards them).
    static func decode(path: String, batches: ([MessageID]) -> Void, reserve: (Int) -> Void,
                       each: (SpoolEntry, MessageLocation) -> Void) -> Bool {
        guard var r = ChunkReader(path: path) else { return false }
        defer { r.close() }
        guard r.bytes(8) == magic, let batchCount = r.u64(), batchCount < 1 << 32 else { return false }
        var known: [MessageID] = []
        for _ in 0..<batchCount {
            guard let id = r.u64() else { return false }
            known.append(MessageID(rawValue: id))
        }
        batches(known)
        guard let count = r.u64(), count < 1 << 32 else { return false }
        reserve(Int(count))
        let states = MessageState.allCases, kinds = MessageKind.allCases
        for _ in 0..<count {
            guard let id = r.u64(), let s = r.u8(), let k = r.u8(), let flags = r.u8(),
                  Int(s) < states.count, Int(k) < kinds.count,
                  let due = r.date(), let expires = r.date(), let appointment = r.date(), let since = r.date()
            else { return false }
            var location = MessageLocation.ownFile
            if flags & 4 != 0 {
                guard let batch = r.u64(), let offset = r.u32(), let length = r.u32() else { return false }
                location = MessageLocation(batch: MessageID(rawValue: batch), offset: offset, length: length)
            }
            guard let source = r.string(), let record = r.string(), let rule = r.string() else { return false }
            each(SpoolEntry(
                id: MessageID(rawValue: id), key: MessageKey(source: source, recordID: record, rule: rule),
                kind: kinds[Int(k)], state: states[Int(s)], due: due,
                expires: flags & 1 != 0 ? expires : nil, appointmentStart: flags & 2 != 0 ? appointment : nil,
                since: since, expiryCause: (flags >> 3) & 7 == 0 ? nil : ExpiryCause(rawValue: (flags >> 3) & 7 - 1)), location)
        }
        return r.bytes(8) == magic && r.atEnd
    }

    private static func seconds(_ d: Date) -> UInt64 { UInt64(bitPattern: Int64(d.timeIntervalSince1970.rounded(.down))) }

    private static func put(_ v: UInt64, _ out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    private static func put32(_ v: UInt32, _ out: inout [UInt8]) {
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    private static func put16(_ v: UInt16, _ out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
    }
}
