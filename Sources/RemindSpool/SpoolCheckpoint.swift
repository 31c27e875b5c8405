public import Foundation
public import RemindCore
import FileSystemKit

/// The index checkpoint: every ``SpoolEntry`` in one binary file, `state/index`, so
/// start-up reads one file and lists the state directories instead of opening a million
/// message files.
///
/// The message files stay the source of truth. The checkpoint is a cache that recovery
/// checks against a `readdir` of every state directory: an entry is trusted only if its
/// message file is in the directory the checkpoint says; every other file is read, and
/// entries whose file is gone are dropped. A missing, short or damaged checkpoint is
/// ignored (every file is read), so it can be deleted at any time. What an entry holds
/// (key, kind, due, expiry, appointment start) never changes for a message id; only its
/// state does, and the directory tells the state.
///
/// Layout (little-endian): the magic `RMDIDX01`, the entry count (u64), then per entry:
/// id (u64), state (u8), kind (u8), flags (u8: 1 = expires, 2 = appointment), due,
/// expires, appointment, since (i64 seconds each), and the key's three parts, each a u16
/// length and UTF-8 bytes. The file ends with the magic again (an explicit end record).
public enum SpoolCheckpoint {
    static let magic: [UInt8] = Array("RMDIDX01".utf8)

    /// Encodes entries in checkpoint form.
    public static func encode<S: Sequence>(_ entries: S, count: Int) -> [UInt8] where S.Element == SpoolEntry {
        var out: [UInt8] = []
        out.reserveCapacity(16 + count * 72 + 8)
        out += magic
        put(UInt64(count), &out)
        var written = 0
        for e in entries {
            put(e.id.rawValue, &out)
            out.append(UInt8(stateCodes[e.state]!))
            out.append(UInt8(kindCodes[e.kind]!))
            out.append((e.expires == nil ? 0 : 1) | (e.appointmentStart == nil ? 0 : 2))
            put(seconds(e.due), &out)
            put(seconds(e.expires ?? Date(timeIntervalSince1970: 0)), &out)
            put(seconds(e.appointmentStart ?? Date(timeIntervalSince1970: 0)), &out)
            put(seconds(e.since), &out)
            for part in [e.key.source, e.key.recordID, e.key.rule] {
                let bytes = Array(part.utf8.prefix(Int(UInt16.max)))
                put16(UInt16(bytes.count), &out)
                out += bytes
            }
            written += 1
        }
        precondition(written == count, "checkpoint count does not match the entries")
        out += magic
        return out
    }

    /// Decodes a checkpoint; nil when it is damaged or incomplete (then it is not used at all).
    public static func decode(_ bytes: [UInt8]) -> [SpoolEntry]? {
        var entries: [SpoolEntry] = []
        return decode(bytes, reserve: { entries.reserveCapacity($0) }, each: { entries.append($0) }) ? entries : nil
    }

    /// Decodes a checkpoint entry by entry, without building an array (a million entries
    /// at start-up); false when it is damaged or incomplete, after some entries may
    /// already have been passed to `each` (the caller then discards them).
    public static func decode(_ bytes: [UInt8], reserve: (Int) -> Void, each: (SpoolEntry) -> Void) -> Bool {
        bytes.withUnsafeBufferPointer { b -> Bool in
            guard b.count >= 24, Array(b[0..<8]) == magic, Array(b[(b.count - 8)...]) == magic else { return false }
            var p = 8
            let end = b.count - 8
            func u64() -> UInt64? {
                guard p + 8 <= end else { return nil }
                var v: UInt64 = 0
                for i in 0..<8 { v |= UInt64(b[p + i]) << (8 * UInt64(i)) }
                p += 8
                return v
            }
            func u8() -> UInt8? {
                guard p < end else { return nil }
                defer { p += 1 }
                return b[p]
            }
            func string() -> String? {
                guard p + 2 <= end else { return nil }
                let n = Int(b[p]) | Int(b[p + 1]) << 8
                p += 2
                guard p + n <= end else { return nil }
                defer { p += n }
                return String(decoding: UnsafeBufferPointer(rebasing: b[p..<(p + n)]), as: UTF8.self)
            }
            func date() -> Date? { u64().map { Date(timeIntervalSince1970: TimeInterval(Int64(bitPattern: $0))) } }
            guard let count = u64(), count < 1 << 32 else { return false }
            reserve(Int(count))
            for _ in 0..<count {
                guard let id = u64(), let s = u8(), let k = u8(), let flags = u8(),
                      Int(s) < MessageState.allCases.count, Int(k) < MessageKind.allCases.count,
                      let due = date(), let expires = date(), let appointment = date(), let since = date(),
                      let source = string(), let record = string(), let rule = string() else { return false }
                each(SpoolEntry(
                    id: MessageID(rawValue: id), key: MessageKey(source: source, recordID: record, rule: rule),
                    kind: MessageKind.allCases[Int(k)], state: MessageState.allCases[Int(s)], due: due,
                    expires: flags & 1 != 0 ? expires : nil, appointmentStart: flags & 2 != 0 ? appointment : nil,
                    since: since))
            }
            return p == end
        }
    }

    private static let stateCodes = Dictionary(uniqueKeysWithValues: MessageState.allCases.enumerated().map { ($1, $0) })
    private static let kindCodes = Dictionary(uniqueKeysWithValues: MessageKind.allCases.enumerated().map { ($1, $0) })

    private static func seconds(_ d: Date) -> UInt64 { UInt64(bitPattern: Int64(d.timeIntervalSince1970.rounded(.down))) }

    private static func put(_ v: UInt64, _ out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    private static func put16(_ v: UInt16, _ out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
    }
}
