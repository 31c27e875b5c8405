/// Decodes an input file to UTF-8 piece by piece, so a large export is never held whole.
///
/// The stream that owns it feeds raw bytes in arbitrary pieces; ``cut(_:final:)`` says
/// how much of them ends at a line break (a UTF-8, CP1252 or Latin-1 `LF`, or a UTF-16
/// `LF` unit), and only that much is decoded, so no character is ever split between two
/// pieces. A byte-order mark is recognised at the start of the file only.
///
/// What cannot be decoded costs its own line, never the file: a line with bytes that are
/// not valid UTF-8 (or an unpaired UTF-16 surrogate) is emptied and reported with its
/// reason, and a file that ends in the middle of a character (an exporter killed, a copy
/// cut short) loses only its last, incomplete line.
///
/// `auto` decides once and sticks: UTF-16 from the first two bytes; otherwise pieces of
/// plain ASCII leave it undecided, the first piece with other bytes that is valid UTF-8
/// (but for a character cut at the very end of the file) makes it UTF-8, and the first
/// that is not makes it CP1252.
struct ChunkDecoder {
    /// The encoding the bytes are read in, once known.
    enum Resolved: Equatable {
        case utf8, cp1252, latin1, utf16LE, utf16BE
    }

    /// A line of the piece that was dropped, with its 0-based index among the piece's lines.
    struct BadLine: Equatable {
        var index: Int
        var reason: String
    }

    let configured: InputEncoding
    private(set) var resolved: Resolved?
    private var started = false

    init(_ encoding: InputEncoding) {
        configured = encoding
        switch encoding {
        case .auto: resolved = nil
        case .utf8: resolved = .utf8
        case .cp1252: resolved = .cp1252
        case .latin1: resolved = .latin1
        case .utf16LE: resolved = .utf16LE
        case .utf16BE: resolved = .utf16BE
        }
    }

    private var isUTF16: Bool { resolved == .utf16LE || resolved == .utf16BE }

    /// Looks at the file's first bytes (call once, with at least 2 bytes unless the file is
    /// shorter): strips a BOM, which wins over the configured encoding, and detects UTF-16
    /// without one in `auto` mode. Returns how many bytes the BOM took.
    mutating func start(_ bytes: ArraySlice<UInt8>) -> Int {
        precondition(!started)
        started = true
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { resolved = .utf8; return 3 }
        if bytes.starts(with: [0xFF, 0xFE]) { resolved = .utf16LE; return 2 }
        if bytes.starts(with: [0xFE, 0xFF]) { resolved = .utf16BE; return 2 }
        if configured == .auto, bytes.count >= 2 {
            let a = bytes[bytes.startIndex], b = bytes[bytes.startIndex + 1]
            if a != 0 && a < 0x80 && b == 0 { resolved = .utf16LE }
            if a == 0 && b != 0 && b < 0x80 { resolved = .utf16BE }
        }
        return 0
    }

    var hasStarted: Bool { started }

    /// How many of `bytes` (the undecoded rest of the file, from a line start) end at a
    /// line break: the part that can be decoded now. At the end of the file, all of it.
    /// The index just after the first line break in `bytes` (LF, or its UTF-16 unit), nil if none.
    func firstLineEnd(_ bytes: [UInt8]) -> Int? {
        if isUTF16 {
            let big = resolved == .utf16BE
            var i = 0
            while i + 1 < bytes.count {
                if big ? (bytes[i] == 0 && bytes[i + 1] == 0x0A) : (bytes[i] == 0x0A && bytes[i + 1] == 0) { return i + 2 }
                i += 2
            }
            return nil
        }
        return bytes.firstIndex(of: 0x0A).map { $0 + 1 }
    }

    /// How many leading bytes of `count` can be dropped without splitting a code unit
    /// (all of them, but an odd last byte in UTF-16).
    func droppable(_ count: Int) -> Int { isUTF16 ? count - count % 2 : count }

    func cut(_ bytes: [UInt8], final: Bool) -> Int {
        if final { return bytes.count }
        if isUTF16 {
            var i = bytes.count - bytes.count % 2 - 2
            let big = resolved == .utf16BE
            while i >= 0 {
                if big ? (bytes[i] == 0 && bytes[i + 1] == 0x0A) : (bytes[i] == 0x0A && bytes[i + 1] == 0) { return i + 2 }
                i -= 2
            }
            return 0
        }
        guard let last = bytes.lastIndex(of: 0x0A) else { return 0 }
        return last + 1
    }

    /// Decodes one piece (from a line start to a line break, or to the end of the file).
    mutating func decode(_ bytes: ArraySlice<UInt8>, final: Bool) -> (text: [UInt8], bad: [BadLine]) {
        switch resolved {
        case .utf16LE: return Self.utf16(bytes, bigEndian: false, final: final)
        case .utf16BE: return Self.utf16(bytes, bigEndian: true, final: final)
        case .cp1252: return (CP1252.decodeToUTF8(bytes), [])
        case .latin1:
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            for byte in bytes {
                if byte < 0x80 { out.append(byte) } else { UTF8.encode(Unicode.Scalar(byte)) { out.append($0) } }
            }
            return (out, [])
        case .utf8:
            let all = Array(bytes)
            return Self.utf8(all, invalid: Self.invalidOffsets(all), final: final)
        case nil:
            guard bytes.contains(where: { $0 >= 0x80 }) else { return (Array(bytes), []) }
            let all = Array(bytes)
            let invalid = Self.invalidOffsets(all)
            // A character cut at the very end of the file does not make a UTF-8 file CP1252.
            let cutTail = final && invalid.count == 1 && Self.isIncompleteTail(all, at: invalid[0])
            if invalid.isEmpty || cutTail {
                resolved = .utf8
                return Self.utf8(all, invalid: invalid, final: final)
            }
            resolved = .cp1252
            return (CP1252.decodeToUTF8(all), [])
        }
    }

    /// Offsets where an ill-formed UTF-8 sequence starts (the first of each line).
    static func invalidOffsets(_ all: [UInt8]) -> [Int] {
        var found: [Int] = []
        var i = 0
        while i < all.count, let bad = InputEncoding.firstInvalidUTF8(all, from: i) {
            found.append(bad)
            // Go on from the next line: the whole line is dropped anyway.
            var next = bad + 1
            while next < all.count && all[next] != 0x0A { next += 1 }
            i = next
        }
        return found
    }

    /// Whether the ill-formed sequence at `offset` is a well-begun character that the end
    /// of the bytes cut short.
    static func isIncompleteTail(_ all: [UInt8], at offset: Int) -> Bool {
        let lead = all[offset]
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return false
        }
        guard all.count - offset < length else { return false }
        return all[(offset + 1)...].allSatisfy { $0 & 0xC0 == 0x80 }
    }

    /// The piece's valid lines; each line with an ill-formed sequence (`invalid`, from
    /// ``invalidOffsets(_:)``) is dropped and reported.
    private static func utf8(_ all: [UInt8], invalid: [Int], final: Bool) -> (text: [UInt8], bad: [BadLine]) {
        guard !invalid.isEmpty else { return (all, []) }
        var out: [UInt8] = []
        out.reserveCapacity(all.count)
        var bad: [BadLine] = []
        var line = 0
        var lineStart = 0
        var next = 0  // index into `invalid`
        while lineStart < all.count {
            var end = lineStart
            while end < all.count && all[end] != 0x0A { end += 1 }
            if next < invalid.count && invalid[next] < end {
                let cut = end == all.count && final && isIncompleteTail(all, at: invalid[next])
                bad.append(BadLine(index: line, reason: cut
                    ? "the file ends in the middle of a character: the line is incomplete (was the export cut short?)"
                    : "the line is not valid UTF-8"))
                while next < invalid.count && invalid[next] < end { next += 1 }
            } else {
                out.append(contentsOf: all[lineStart..<end])
            }
            if end < all.count { out.append(0x0A) }
            lineStart = end + 1
            line += 1
        }
        return (out, bad)
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool, final: Bool) -> (text: [UInt8], bad: [BadLine]) {
        let all = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(all.count / 2 + all.count / 8)
        var bad: [BadLine] = []
        var line = 0
        var lineOut = 0  // where the current line starts in `out`
        var lineBad = false
        func unit(_ i: Int) -> UInt16 {
            bigEndian ? UInt16(all[i]) << 8 | UInt16(all[i + 1]) : UInt16(all[i + 1]) << 8 | UInt16(all[i])
        }
        var i = 0
        let even = all.count - all.count % 2
        while i < even {
            let first = unit(i)
            if first == 0x0A {
                if lineBad {
                    out.removeSubrange(lineOut...)
                    bad.append(BadLine(index: line, reason: "the line has an unpaired UTF-16 surrogate"))
                }
                out.append(0x0A)
                line += 1
                lineOut = out.count
                lineBad = false
                i += 2
                continue
            }
            if first < 0x80 {
                out.append(UInt8(first))
                i += 2
                continue
            }
            if UTF16.isLeadSurrogate(first), i + 4 <= even, UTF16.isTrailSurrogate(unit(i + 2)) {
                let value = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(unit(i + 2)) - 0xDC00)
                UTF8.encode(Unicode.Scalar(value)!) { out.append($0) }
                i += 4
                continue
            }
            if UTF16.isSurrogate(first) {
                lineBad = true
                i += 2
                continue
            }
            UTF8.encode(Unicode.Scalar(first)!) { out.append($0) }
            i += 2
        }
        let oddTail = all.count % 2 == 1
        if lineBad || oddTail {
            out.removeSubrange(lineOut...)
            bad.append(BadLine(index: line, reason: oddTail
                ? "the file ends in the middle of a character: the line is incomplete (was the export cut short?)"
                : "the line has an unpaired UTF-16 surrogate"))
        }
        return (out, bad)
    }
}

extension UTF16 {
    fileprivate static func isSurrogate(_ unit: UInt16) -> Bool { unit >= 0xD800 && unit <= 0xDFFF }
}
