public import Foundation
public import RemindCore
import FileSystemKit
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Gateway reference → message, durable across restarts, so a delivery receipt that
/// arrives days after the hand-over finds its message; and number → the latest message
/// sent to it, so a patient's reply is matched to what it answers.
///
/// **On disk** (`state/references`, 0600): an append-only log, one line per message
/// recorded sent, written and `fdatasync`'d *before* the message's move to `sent/`:
///
/// ```
/// <unix seconds> <message id> <number hash> <reference, %-escaped>
/// 1780000000 032AA0F97D43493F 9F2C4B1A0E77D3C5 remindd-032AA0F97D43493F
/// ```
///
/// The number is kept as a 64-bit FNV-1a hash, never in clear. A crash between the line
/// and the move leaves a line for a message in `active/` (then `uncertain/`): a receipt
/// for it is proof of the hand-over. A torn last line (a crash mid-append) is ignored.
///
/// **In memory**: two dictionaries of 64-bit hashes (reference hash → id, number hash →
/// latest id and time), about 80 bytes per line; a 1,000,000-line log loads in well under
/// a second. A reference hash collision is possible in principle (1 in 10^7 at a million
/// lines): the caller checks the `reference=` in the message's history before acting.
///
/// **Retention**: ``compact(keeping:)`` rewrites the log (temporary file, fsync, rename)
/// without the lines of messages the spool no longer holds; run with the prune pass.
///
/// Thread-safe; ``load()``, ``record(reference:id:recipient:at:)`` and
/// ``compact(keeping:)`` do blocking I/O (call them on the spool's thread).
public final class ReferenceIndex: Sendable {
    public let path: String

    private struct Latest: Sendable {
        var id: MessageID
        var time: UInt32
    }

    private struct State: Sendable {
        var byReference: [UInt64: MessageID] = [:]
        var byNumber: [UInt64: Latest] = [:]
        var lines = 0
    }

    private let state = Mutex(State())

    public init(path: String) { self.path = path }

    /// Lines in the log (messages recorded sent and not yet compacted away).
    public var count: Int { state.withLock { $0.lines } }

    /// Reads the log (creating an empty one when missing).
    public func load() throws {
        if try FileOperations.fileStatus(path) == nil {
            try FileOperations.createFile(at: path, contents: [], synchronize: true)
            try FileOperations.synchronizeDirectory(FileOperations.directoryName(of: path))
        }
        var fresh = State()
        if let size = try FileOperations.fileStatus(path)?.size { fresh.byReference.reserveCapacity(size / 60) }
        try Self.parse(path: path) { time, id, number, referenceHash, _ in
            fresh.byReference[referenceHash] = id
            if (fresh.byNumber[number]?.time ?? 0) <= time { fresh.byNumber[number] = Latest(id: id, time: time) }
            fresh.lines += 1
        }
        state.withLock { $0 = fresh }
    }

    /// Records that `id`, to `recipient`, was accepted under `reference` at `time`:
    /// durable on return.
    public func record(reference: String, id: MessageID, recipient: String, at time: Date) throws {
        try record(references: [reference], id: id, recipient: recipient, at: time)
    }

    /// Records every reference of one message (a long SMPP message has one per part) in
    /// one append and one flush: durable on return.
    public func record(references: [String], id: MessageID, recipient: String, at time: Date) throws {
        guard !references.isEmpty else { return }
        let seconds = UInt32(clamping: Int64(time.timeIntervalSince1970.rounded(.down)))
        let number = Self.hash(recipient)
        let lines = references.flatMap { Self.line(time: seconds, id: id, number: number, reference: $0) }
        try FileOperations.append(to: path, contents: lines, synchronize: true)
        state.withLock { state in
            // An empty reference (an SMSC that answers submit_sm with ESME_ROK and no
            // message_id, as Kannel's drive_smpp does) names nothing: the line is kept for the
            // number, but no receipt may find the message by it.
            for reference in references where !reference.isEmpty { state.byReference[Self.hash(reference)] = id }
            if (state.byNumber[number]?.time ?? 0) <= seconds { state.byNumber[number] = Latest(id: id, time: seconds) }
            state.lines += references.count
        }
    }

    /// The message accepted under `reference`, if the log has one; never for an empty one.
    public func message(forReference reference: String) -> MessageID? {
        guard !reference.isEmpty else { return nil }
        return state.withLock { $0.byReference[Self.hash(reference)] }
    }

    /// The latest message recorded sent to `number` (E.164), if any.
    public func latestMessage(to number: String) -> MessageID? {
        state.withLock { $0.byNumber[Self.hash(number)]?.id }
    }

    /// Rewrites the log with only the lines whose message `keep` accepts (the spool still
    /// holds it); returns how many lines were dropped.
    @discardableResult
    public func compact(keeping keep: (MessageID) -> Bool) throws -> Int {
        var out: [UInt8] = []
        var fresh = State()
        var dropped = 0
        try Self.parse(path: path) { time, id, number, referenceHash, raw in
            guard keep(id) else { dropped += 1; return }
            out += raw
            out.append(UInt8(ascii: "\n"))
            fresh.byReference[referenceHash] = id
            if (fresh.byNumber[number]?.time ?? 0) <= time { fresh.byNumber[number] = Latest(id: id, time: time) }
            fresh.lines += 1
        }
        guard dropped > 0 else { return 0 }
        try FileOperations.replaceFile(at: path, contents: out)
        // Lines recorded while the file was rewritten cannot exist: callers serialise on the spool's thread.
        state.withLock { $0 = fresh }
        return dropped
    }

    // MARK: Format

    /// 64-bit FNV-1a of the UTF-8 bytes.
    static func hash(_ text: String) -> UInt64 { FNV1a.hash(text.utf8) }

    static func line(time: UInt32, id: MessageID, number: UInt64, reference: String) -> [UInt8] {
        var s = "\(time) \(id) " + hex16(number) + " "
        for b in reference.utf8 {
            if b > 0x20, b < 0x7F, b != UInt8(ascii: "%") {
                s.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                s += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return Array((s + "\n").utf8)
    }

    static func hex16(_ value: UInt64) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The reference of an escaped field.
    static func unescape(_ field: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var i = field.startIndex
        while i < field.endIndex {
            if field[i] == UInt8(ascii: "%"), i + 2 < field.endIndex, let v = UInt8(String(decoding: field[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(field[i])
                i += 1
            }
        }
        return out
    }

    /// Calls `body` for every whole, well-formed line of the file at `path`, read in 1 MB
    /// chunks (a big log never sits in memory whole): time, id, number hash, reference
    /// hash, the line's bytes. A line with no newline at the end (torn) is skipped.
    private static func parse(path: String, _ body: (UInt32, MessageID, UInt64, UInt64, ArraySlice<UInt8>) -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(errno: errno, operation: "open", path: path) }
        defer { close(fd) }
        var carry: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(errno: errno, operation: "read", path: path)
            }
            if got == 0 { return }  // what is left in `carry` has no newline: torn
            carry += chunk[0..<got]
            let used = parseLines(carry, body)
            carry.removeFirst(used)
        }
    }

    /// An unsigned number in ASCII digits of `radix` (10 or 16, upper or lower case),
    /// without a String on the way (a million lines load at start-up); nil when empty,
    /// malformed or too big.
    static func number(_ digits: ArraySlice<UInt8>, radix: UInt64) -> UInt64? {
        guard !digits.isEmpty, digits.count <= (radix == 16 ? 16 : 19) else { return nil }
        var value: UInt64 = 0
        for c in digits {
            let d: UInt64
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(c - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: d = UInt64(c - UInt8(ascii: "A") + 10)
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: d = UInt64(c - UInt8(ascii: "a") + 10)
            default: return nil
            }
            value = value &* radix &+ d
        }
        return value
    }

    /// Parses the whole lines at the front of `bytes`; returns how many bytes they took.
    private static func parseLines(_ bytes: [UInt8], _ body: (UInt32, MessageID, UInt64, UInt64, ArraySlice<UInt8>) -> Void) -> Int {
        var start = 0
        while let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let raw = bytes[start..<end]
            start = end + 1
            let fields = raw.split(separator: UInt8(ascii: " "), maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4, fields[1].count == 16,
                  let time = number(fields[0], radix: 10).flatMap(UInt32.init(exactly:)),
                  let id = number(fields[1], radix: 16).map(MessageID.init(rawValue:)),
                  let number = number(fields[2], radix: 16)
            else { continue }
            let reference = unescape(fields[3])
            body(time, id, number, FNV1a.hash(reference), raw)
        }
        return start
    }
}
