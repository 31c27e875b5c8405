/// Windows code page 1252, the code page of most Windows exports without a BOM.
///
/// It is ISO 8859-1 (Latin-1) except bytes 0x80–0x9F, which hold typographic characters
/// (€ ‚ „ … ‘ ’ “ ” – — ™ and others) instead of C1 controls. The five bytes Windows leaves
/// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control of the same value, as
/// Windows' own conversion does, so decoding never fails.
public enum CP1252 {
    /// The code points of bytes 0x80 through 0x9F.
    static let high: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// The Unicode scalar a byte stands for.
    public static func scalar(for byte: UInt8) -> Unicode.Scalar {
        if byte >= 0x80 && byte < 0xA0 {
            // Every entry of the table is a valid scalar (none is a surrogate).
            return Unicode.Scalar(high[Int(byte) - 0x80]) ?? Unicode.Scalar(byte)
        }
        return Unicode.Scalar(byte)
    }

    /// Decodes CP1252 bytes into UTF-8 bytes.
    public static func decodeToUTF8(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 {
                out.append(byte)
            } else {
                UTF8.encode(scalar(for: byte)) { out.append($0) }
            }
        }
        return out
    }
}
