public import RemindCore

/// A file of numbers to put on the opt-out list, as a practice drops it in the inbox:
/// one number per line, as written in the practice system (normalised like any other
/// number, of any type); further columns after `,` `;` or a tab are ignored, a first
/// line without digits is a header, `#` lines are comments. A line that is not a
/// number is rejected alone, with its line number.
public struct OptOutImport: Sendable, Hashable {
    /// The numbers, E.164, in file order without repeats.
    public var numbers: [String] = []
    /// The lines that are not numbers.
    public var rejections: [RowRejection] = []

    public init(numbers: [String] = [], rejections: [RowRejection] = []) {
        self.numbers = numbers
        self.rejections = rejections
    }

    /// Whether an inbox file's name marks it as an opt-out list: `*.optout`, or a name
    /// that starts with `optout` or `opt-out` (any case), like `optout-2026-05-01.csv`.
    public static func isOptOutFile(name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".optout") || lower.hasPrefix("optout") || lower.hasPrefix("opt-out") || lower.hasPrefix("opt_out")
    }

    /// Reads an opt-out file's bytes (UTF-8, with or without a BOM; other encodings'
    /// digits are ASCII anyway).
    public static func parse(_ bytes: [UInt8], file: String, normalizer: PhoneNumberNormalizer) -> OptOutImport {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var out = OptOutImport()
        var seen = Set<String>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let field = line.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" }).first.map(String.init) ?? ""
            if index == 0 && !field.contains(where: \.isDecimalDigit) { continue }
            let unquoted = field.trimmingCharacters(in: "\"'")
            switch normalizer.parse(unquoted) {
            case .success(let recipient):
                if seen.insert(recipient.e164).inserted { out.numbers.append(recipient.e164) }
            case .failure(let refusal):
                out.rejections.append(RowRejection(position: SourcePosition(file: file, line: index + 1), reason: refusal.description))
            }
        }
        return out
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
