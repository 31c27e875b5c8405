/// The character encoding of an input file.
///
/// A byte-order mark always wins: UTF-8 (EF BB BF), UTF-16 LE (FF FE) and UTF-16 BE (FE FF)
/// are recognised and stripped whatever encoding is configured, as no sane text in another
/// encoding starts with those bytes. Without a BOM the configured encoding applies.
public enum InputEncoding: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// UTF-16 when the first two bytes are an ASCII character and a NUL (in either order),
    /// else UTF-8 when the bytes are valid UTF-8, else CP1252. Never fails on a BOM-less file.
    case auto
    case utf8 = "utf-8"
    /// Windows-1252; see ``CP1252``.
    case cp1252
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    /// ISO 8859-1: every byte is the code point of the same value.
    case latin1

    public var description: String { rawValue }

    /// Why bytes could not be decoded: the 1-based line of the first bad byte and the reason.
    struct Failure: Error, Hashable {
        var line: Int
        var reason: String
    }

    /// The text of `bytes` as UTF-8, BOM removed.
    func decodeToUTF8(_ bytes: [UInt8]) -> Result<[UInt8], Failure> {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return Self.validatedUTF8(bytes, from: 3)
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return Self.utf16ToUTF8(bytes, from: 2, bigEndian: false) }
        if bytes.starts(with: [0xFE, 0xFF]) { return Self.utf16ToUTF8(bytes, from: 2, bigEndian: true) }
        switch self {
        case .auto:
            if bytes.count >= 2 && bytes[0] != 0 && bytes[0] < 0x80 && bytes[1] == 0 {
                return Self.utf16ToUTF8(bytes, from: 0, bigEndian: false)
            }
            if bytes.count >= 2 && bytes[0] == 0 && bytes[1] != 0 && bytes[1] < 0x80 {
                return Self.utf16ToUTF8(bytes, from: 0, bigEndian: true)
            }
            if Self.firstInvalidUTF8(bytes, from: 0) == nil { return .success(bytes) }
            return .success(CP1252.decodeToUTF8(bytes))
        case .utf8: return Self.validatedUTF8(bytes, from: 0)
        case .cp1252: return .success(CP1252.decodeToUTF8(bytes))
        case .utf16LE: return Self.utf16ToUTF8(bytes, from: 0, bigEndian: false)
        case .utf16BE: return Self.utf16ToUTF8(bytes, from: 0, bigEndian: true)
        case .latin1:
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            for byte in bytes {
                if byte < 0x80 { out.append(byte) } else { UTF8.encode(Unicode.Scalar(byte)) { out.append($0) } }
            }
            return .success(out)
        }
    }

    private static func validatedUTF8(_ bytes: [UInt8], from start: Int) -> Result<[UInt8], Failure> {
        if let bad = firstInvalidUTF8(bytes, from: start) {
            let line = 1 + bytes[start..<bad].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            return .failure(Failure(line: line, reason: "is not valid UTF-8"))
        }
        return .success(start == 0 ? bytes : Array(bytes[start...]))
    }

    /// The offset of the first byte that does not begin a well-formed UTF-8 sequence
    /// (overlong forms, surrogates and values past U+10FFFF are ill-formed), or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let second = bytes[i + 1]
            guard second >= low && second <= high else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    private static func utf16ToUTF8(_ bytes: [UInt8], from start: Int, bigEndian: Bool) -> Result<[UInt8], Failure> {
        guard (bytes.count - start) % 2 == 0 else {
            return .failure(Failure(line: 1, reason: "has an odd number of bytes for UTF-16"))
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2 + bytes.count / 8)
        var i = start
        var line = 1
        func unit(at offset: Int) -> UInt16 {
            bigEndian
                ? UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
                : UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset])
        }
        while i < bytes.count {
            let first = unit(at: i)
            if first < 0x80 {
                if first == 0x0A { line += 1 }
                out.append(UInt8(first))
                i += 2
                continue
            }
            var value = UInt32(first)
            var width = 2
            if UTF16.isLeadSurrogate(first) {
                guard i + 4 <= bytes.count, UTF16.isTrailSurrogate(unit(at: i + 2)) else {
                    return .failure(Failure(line: line, reason: "has an unpaired UTF-16 surrogate"))
                }
                value = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(unit(at: i + 2)) - 0xDC00)
                width = 4
            } else if UTF16.isTrailSurrogate(first) {
                return .failure(Failure(line: line, reason: "has an unpaired UTF-16 surrogate"))
            }
            guard let scalar = Unicode.Scalar(value) else {
                return .failure(Failure(line: line, reason: "is not valid UTF-16"))
            }
            UTF8.encode(scalar) { out.append($0) }
            i += width
        }
        return .success(out)
    }
}

extension InputEncoding {
    /// The file's text as UTF-8, for a parser.
    /// - Throws: ``InputError`` (`undecodable`) naming the file and the line that cannot be decoded.
    func utf8Text(of bytes: [UInt8], file: String) throws(InputError) -> [UInt8] {
        switch decodeToUTF8(bytes) {
        case .success(let decoded):
            return decoded
        case .failure(let failure):
            throw InputError(
                code: .undecodable, message: "the file \(failure.reason) (encoding \(self))", file: file, line: failure.line)
        }
    }
}
