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

    /// `text` with every run that looks like a phone number (at least eight digits, with
    /// an optional leading `+` and single spaces or dashes between them) replaced by
    /// ``mask(_:)`` of it, and control characters replaced by spaces: for text from
    /// outside (a gateway's error line) that may reach the journal or a terminal.
    public static func maskNumbers(in text: String) -> String {
        var out = ""
        var run = ""  // a candidate: digits with single separators, maybe a leading +
        var digits = 0
        func flush() {
            // A separator at the end of a run is not part of the number.
            var trailing = ""
            while let last = run.last, last == " " || last == "-" {
                trailing.insert(last, at: trailing.startIndex)
                run.removeLast()
            }
            out += digits >= 8 ? mask(run) : run
            out += trailing
            run = ""
            digits = 0
        }
        for ch in text {
            if ch.isASCIIDigit {
                run.append(ch)
                digits += 1
            } else if ch == "+", run.isEmpty {
                run.append(ch)
            } else if ch == " " || ch == "-", let last = run.last, last.isASCIIDigit {
                run.append(ch)
            } else {
                flush()
                out.append(ch.unicodeScalars.allSatisfy({ $0.value < 0x20 || $0.value == 0x7F }) ? " " : ch)
            }
        }
        flush()
        return out
    }
}

extension Character {
    @inlinable var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
