/// Removes control and bidi formatting characters from an element value before it is put
/// into a template, so nothing invisible or terminal-controlling reaches a handset.
///
/// The rule, applied to field values only (a template's own text, its line breaks
/// included, is the practice's and is kept):
/// - TAB, LF, VT, FF, CR, NEL (U+0085) and the line and paragraph separators (U+2028,
///   U+2029) separate words: each becomes one space, CRLF too (a value is always one line).
/// - Every other C0 control (U+0000–U+001F: NUL, BEL, ESC …), DEL (U+007F) and every
///   other C1 control (U+0080–U+009F) is removed.
/// - Bidi controls are removed: the marks U+200E, U+200F and U+061C, the embeddings and
///   overrides U+202A–U+202E, the isolates U+2066–U+2069.
///
/// TAB, LF and CR are ordinary in a value exported from a multi-line field, so only the
/// other characters count as ``Result/removed`` (what `remindctl preview` reports).
public enum ControlCharacters {
    /// A cleaned value and how many characters the rule removed or replaced (TAB, LF and
    /// CR replaced by a space are not counted).
    public struct Result: Sendable, Hashable {
        public var value: String
        public var removed: Int
    }

    /// What the rule does with a scalar.
    enum Action {
        case keep, space, spaceUncounted, remove
    }

    static func action(for scalar: Unicode.Scalar) -> Action {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: .spaceUncounted
        case 0x0B, 0x0C, 0x85, 0x2028, 0x2029: .space
        case 0x00...0x1F, 0x7F...0x9F: .remove
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: .remove
        default: .keep
        }
    }

    /// Whether `scalar` is one the rule removes or replaces (TAB, LF and CR included).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        action(for: scalar) != .keep
    }

    /// `value` cleaned by the rule (see the type's documentation). A value without any
    /// such character is returned as is without copying.
    public static func clean(_ value: String) -> Result {
        var needsWork = false
        for byte in value.utf8 where byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2 {
            // 0xC2: U+0080–U+00BF; 0xD8: U+0600–U+063F; 0xE2: U+2000–U+2FFF (checked exactly below).
            needsWork = true
            break
        }
        guard needsWork, value.unicodeScalars.contains(where: isControl) else { return Result(value: value, removed: 0) }
        var out = String.UnicodeScalarView()
        var removed = 0
        var previous: Unicode.Scalar = " "
        for scalar in value.unicodeScalars {
            defer { previous = scalar }
            switch action(for: scalar) {
            case .keep: out.append(scalar)
            case .spaceUncounted:
                if scalar == "\n", previous == "\r" { continue }  // CRLF is one line break: one space
                out.append(" ")
            case .space:
                out.append(" ")
                removed += 1
            case .remove: removed += 1
            }
        }
        return Result(value: String(out), removed: removed)
    }
}
