internal import Foundation

/// Replaces typographic characters that word processors insert with their GSM-7
/// equivalents, so a template or a name pasted from a document does not turn a
/// one-segment message into a three-segment UCS-2 one.
///
/// Only punctuation and spacing are replaced; letters are never changed. `Zoë` and
/// `Łukasiewicz` keep their letters (and make the message UCS-2), because a patient's
/// name spelt wrongly is worse than a message that costs more.
///
/// | from | to |
/// |---|---|
/// | `’ ‘ ‚ ‛ ′ ‵ ʼ ´ \`` `‹ ›` | `'` |
/// | `“ ” „ ‟ ″ « »` | `"` |
/// | `‐ ‑ ‒ – — ― −` and `•` | `-` |
/// | `…` | `...` |
/// | no-break, narrow no-break, en/em/thin/hair and ideographic spaces, tab | space |
/// | line and paragraph separators | line feed |
/// | soft hyphen, zero-width space, word joiner, byte-order mark | removed |
///
/// Text is also brought to Unicode canonical composition (NFC) first, so an `é` typed as
/// `e` plus a combining accent is the GSM-7 `é`.
public enum Transliteration {
    /// The replacement table (scalar → replacement, empty for removal).
    public static let table: [Unicode.Scalar: String] = {
        var map: [Unicode.Scalar: String] = [:]
        for s in ["\u{2019}", "\u{2018}", "\u{201A}", "\u{201B}", "\u{2032}", "\u{2035}", "\u{02BC}", "\u{00B4}", "`",
                  "\u{2039}", "\u{203A}"] as [Unicode.Scalar] { map[s] = "'" }
        for s in ["\u{201C}", "\u{201D}", "\u{201E}", "\u{201F}", "\u{2033}", "\u{00AB}", "\u{00BB}"] as [Unicode.Scalar] {
            map[s] = "\""
        }
        for s in ["\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}", "\u{2022}"]
            as [Unicode.Scalar] { map[s] = "-" }
        map["\u{2026}"] = "..."
        for s in ["\u{00A0}", "\u{202F}", "\u{205F}", "\u{3000}", "\t"] as [Unicode.Scalar] { map[s] = " " }
        for v in 0x2000...0x200A { map[Unicode.Scalar(UInt32(v))!] = " " }
        map["\u{2028}"] = "\n"
        map["\u{2029}"] = "\n"
        for s in ["\u{00AD}", "\u{200B}", "\u{2060}", "\u{FEFF}"] as [Unicode.Scalar] { map[s] = "" }
        return map
    }()

    /// `text` with the table applied (after NFC composition). ASCII text without a
    /// backtick or tab is returned as is without copying.
    public static func apply(_ text: String) -> String {
        var needsWork = false
        for byte in text.utf8 where byte >= 0x80 || byte == 0x60 || byte == 0x09 {
            needsWork = true
            break
        }
        guard needsWork else { return text }
        let composed = isComposed(text) ? text : text.precomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        for scalar in composed.unicodeScalars {
            if let replacement = table[scalar] {
                out.append(contentsOf: replacement.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `text` in canonical composition (NFC) only, for when transliteration is off.
    static func compose(_ text: String) -> String {
        isComposed(text) ? text : text.precomposedStringWithCanonicalMapping
    }

    /// True when `text` is certainly in NFC already: every scalar is below U+0300 (no
    /// combining marks, no decomposable singletons there) or is replaced by the table.
    /// Most names and templates pass, and skip the costly normalisation.
    static func isComposed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value < 0x300 || table[$0] != nil }
    }
}
