/// Phone numbers in logs: never in full.
public enum PhoneMask {
    /// Keeps a leading `+`, the first three and the last two digits, and replaces every
    /// other digit with `*`: `+61412345678` → `+614******78`. Short inputs (seven digits
    /// or fewer) keep only their last two digits. Non-digits are dropped.
    public static func mask(_ number: String) -> String {
        let plus = number.hasPrefix("+") ? "+" : ""
        let digits = number.filter(\.isASCIIDigit)
        let keepHead = digits.count > 7 ? 3 : 0
        let keepTail = min(2, digits.count)
        var out = plus
        for (i, d) in digits.enumerated() {
            if i < keepHead || i >= digits.count - keepTail { out.append(d) } else { out.append("*") }
        }
        return out
    }
}

extension Character {
    @inlinable var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
