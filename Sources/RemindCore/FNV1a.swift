/// 64-bit FNV-1a: a hash that is the same across runs, builds and machines, for names and
/// index entries that must be stable and must not show what they stand for (a number, a
/// reply's sender, an inbox path).
public enum FNV1a {
    /// The hash of `bytes`.
    @inlinable
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// The hash of `text`'s UTF-8 as 16 hex digits.
    public static func hex(_ text: String) -> String {
        let hex = String(hash(text.utf8), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
