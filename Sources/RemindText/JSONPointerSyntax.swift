/// RFC 6901's syntax for a JSON pointer, with the request templates so that the
/// configuration (which refuses a bad `message_id_pointer`, `error_pointer`, ...) and the
/// gateway (which reads answers with it) hold one rule.
public enum JSONPointerSyntax {
    /// Empty, or `/`-separated tokens in which `~` is only `~0` (for `~`) or `~1` (for `/`).
    public static func isValid(_ pointer: String) -> Bool {
        guard pointer.isEmpty || pointer.hasPrefix("/") else { return false }
        var bytes = pointer.utf8.makeIterator()
        while let byte = bytes.next() {
            if byte == UInt8(ascii: "~") {
                guard let next = bytes.next(), next == UInt8(ascii: "0") || next == UInt8(ascii: "1") else { return false }
            }
        }
        return true
    }
}
