extension String {
    /// The string without leading and trailing whitespace and line breaks (Unicode's
    /// definition, so a no-break space goes too). Faster than Foundation's
    /// `trimmingCharacters(in:)`, which bridges through NSString on Linux.
    var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        guard let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        if first == startIndex && index(after: last) == endIndex { return self }
        return String(self[first...last])
    }
}
