import Foundation
import RemindText

/// RFC 6901 JSON pointers over `JSONSerialization` values.
enum JSONPointer {
    /// The value at `pointer` as text: a string as is, a number as written, a boolean as 1 or 0; nil
    /// when the pointer leads nowhere or to an object, an array or null.
    static func resolve(_ pointer: String, in json: Any) -> String? {
        guard isValid(pointer) else { return nil }
        var value: Any = json
        if !pointer.isEmpty {
            for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
                let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                if let object = value as? [String: Any], let next = object[token] {
                    value = next
                } else if let array = value as? [Any], let index = Int(token), index >= 0, index < array.count {
                    value = array[index]
                } else {
                    return nil
                }
            }
        }
        switch value {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue  // a boolean as 1 or 0
        default: return nil
        }
    }

    /// Whether `pointer` is well formed (RFC 6901: empty, or `/`-separated tokens in which
    /// `~` is only `~0` or `~1`; the configuration refuses any other, so this is a backstop).
    static func isValid(_ pointer: String) -> Bool { JSONPointerSyntax.isValid(pointer) }
}
