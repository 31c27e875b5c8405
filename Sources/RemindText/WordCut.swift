/// Cutting element values at word boundaries.
enum WordCut {
    /// Characters trimmed from the end of a cut value, so `Smith & Sons` cut after
    /// `Smith &` reads `Smith`.
    static let trailing: Set<Character> = [" ", ",", ";", ":", "-", "/", "&", "+", "(", "\u{2013}"]

    /// `value` cut to at most `limit` characters: at the last space within the limit, or
    /// at the limit itself when the first word is longer.
    static func cut(_ value: String, to limit: Int) -> String {
        guard value.count > limit else { return value }
        guard limit > 0 else { return "" }
        let end = value.index(value.startIndex, offsetBy: limit)
        if value[end] == " " { return trimmed(value[..<end]) }
        if let space = value[..<end].lastIndex(of: " ") {
            let kept = trimmed(value[..<space])
            if !kept.isEmpty { return kept }
        }
        return trimmed(value[..<end])
    }

    /// `value` without its last word (empty when it has one word).
    static func dropLastWord(_ value: String) -> String {
        guard let space = value.lastIndex(of: " ") else { return "" }
        return trimmed(value[..<space])
    }

    static func trimmed(_ value: Substring) -> String {
        var value = value
        while let last = value.last, trailing.contains(last) { value.removeLast() }
        return String(value)
    }
}
