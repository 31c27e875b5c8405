/// Splits decoded HL7 text into segments, each with the physical line it starts on.
///
/// Segments end at CR (the standard), LF or CRLF, and each of those ends one physical
/// line, as editors count them. MLLP's block characters (0x0B before a message, 0x1C
/// after it) end a segment too but no line, and the CR (or CRLF) that follows 0x1C is
/// the frame's trailer, no line end either, so a framed file and the same messages
/// unframed give the same segments on the same lines. Blank segments are skipped.
struct HL7Scanner {
    /// One segment: its bytes (without terminator) and its 1-based physical line.
    struct Segment {
        var bytes: ArraySlice<UInt8>
        var line: Int
    }

    static func segments(_ text: [UInt8]) -> [Segment] {
        var out: [Segment] = []
        var line = 1
        var start = 0
        var i = 0
        let n = text.count
        func emit(_ end: Int) {
            var s = start
            var e = end
            while s < e && (text[s] == 0x20 || text[s] == 0x09) { s += 1 }
            while e > s && (text[e - 1] == 0x20 || text[e - 1] == 0x09) { e -= 1 }
            if s < e { out.append(Segment(bytes: text[s..<e], line: line)) }
        }
        while i < n {
            switch text[i] {
            case 0x0D:
                emit(i)
                line += 1
                i += (i + 1 < n && text[i + 1] == 0x0A) ? 2 : 1
                start = i
            case 0x0A:
                emit(i)
                line += 1
                i += 1
                start = i
            case 0x0B:
                emit(i)
                i += 1
                start = i
            case 0x1C:
                // The frame's trailer, 0x1C CR (or CRLF): part of the framing, no line end,
                // so a framed file numbers its lines as the same messages unframed.
                emit(i)
                i += 1
                if i < n && text[i] == 0x0D { i += 1 }
                if i < n && text[i] == 0x0A { i += 1 }
                start = i
            default:
                i += 1
            }
        }
        emit(n)
        return out
    }
}
