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

    /// `text` with every run that could be a phone number replaced by ``mask(_:)`` of
    /// it, and control characters replaced by spaces: for text from outside (a gateway's
    /// error line) that may reach the journal or a terminal.
    ///
    /// A run is digits joined by separators as people and programs write numbers (space,
    /// `-`, `.`, `_`, `/`, and brackets: `0428.904.234`, `(0428) 904 234`,
    /// `+61(428)904234`, `0428_904234`), with an optional leading `+` or `(`. Any run of
    /// six digits or more is masked: a dialled number is never shorter, and a date or an
    /// amount masked by mistake costs nothing in a log line.
    public static func maskNumbers(in text: String) -> String {
        var out = ""
        var run = ""  // a candidate: digits and separators, maybe a leading + or (
        var digits = 0
        func isSeparator(_ ch: Character) -> Bool { " -._/()".contains(ch) }
        func flush() {
            // Separators at the end of a run are not part of the number.
            var trailing = ""
            while let last = run.last, isSeparator(last) || last == "+" {
                trailing.insert(last, at: trailing.startIndex)
                run.removeLast()
            }
            out += digits >= 6 ? mask(run) : run
            out += trailing
            run = ""
            digits = 0
        }
        for ch in text {
            if ch.isASCIIDigit {
                run.append(ch)
                digits += 1
            } else if (ch == "+" || ch == "("), run.allSatisfy({ $0 == "(" || $0 == "+" || $0 == " " }) {
                run.append(ch)
            } else if isSeparator(ch), !run.isEmpty {
                // At most two separators in a row (") " in "(0428) 904"), else the run ends.
                let tail = run.reversed().prefix { !$0.isASCIIDigit }
                if tail.count >= 2 { flush(); out.append(ch); continue }
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
