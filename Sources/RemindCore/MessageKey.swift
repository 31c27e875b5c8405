import Foundation

/// What makes a message unique across re-exports: (source, record id, reminder rule).
///
/// An appointment exported again every five minutes maps to the same key, so the spool
/// can tell "already have it" from "new" from "moved" without scanning.
public struct MessageKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public var source: String
    public var recordID: String
    public var rule: String

    public init(source: String, recordID: String, rule: String) {
        self.source = source
        self.recordID = recordID
        self.rule = rule
    }

    /// `source/recordID/rule`, with `/` and `%` in the parts percent-escaped.
    public var description: String {
        if !Self.needsEscape(source) && !Self.needsEscape(recordID) && !Self.needsEscape(rule) {
            return "\(source)/\(recordID)/\(rule)"
        }
        return [source, recordID, rule].map(Self.escape).joined(separator: "/")
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        self.init(source: Self.unescape(parts[0]), recordID: Self.unescape(parts[1]), rule: Self.unescape(parts[2]))
    }

    /// Whether ``escape(_:)`` would change `part`.
    public static func needsEscape(_ part: String) -> Bool {
        part.utf8.contains { $0 == 37 || $0 == 47 || $0 == 10 || $0 == 13 }
    }

    /// One part of ``description``: `%`, `/`, CR and LF percent-escaped.
    public static func escape(_ part: String) -> String {
        var out = ""
        for ch in part {
            switch ch {
            case "%": out += "%25"
            case "/": out += "%2F"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            default: out.append(ch)
            }
        }
        return out
    }

    static func unescape(_ part: Substring) -> String {
        String(part).replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%25", with: "%")
    }
}
