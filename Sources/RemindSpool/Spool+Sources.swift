public import Foundation
public import RemindCore

/// Queries by source over the in-memory index (never a directory scan), and the names
/// of inputs claimed from inbox subdirectories.
extension Spool {
    /// The keys of a source's pending messages (queued, deferred, held) whose appointment
    /// starts in `range`, each the latest message of its key: what a snapshot of that
    /// range must list to keep. One pass over the index, no file read.
    public func pendingKeys(source: String, appointmentStartIn range: Range<Date>) -> [MessageKey] {
        var keys: [MessageKey] = []
        for entry in allEntries where entry.state.isPending && entry.key.source == source {
            guard let start = entry.appointmentStart, range.contains(start), self.entry(forKey: entry.key)?.id == entry.id else { continue }
            keys.append(entry.key)
        }
        return keys
    }

    /// A path relative to the inbox as one file name in `incoming/`: `%` → `%25`, `/` → `%2F`.
    static func escapeClaimName(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }

    /// The longest name a claimed input may have in `incoming/`: NAME_MAX (255 bytes) less
    /// room for the suffixes remindd puts after it (`.reason` in `rejected/`, `.ack`).
    static let maximumClaimedNameLength = 240

    /// `<millis>-<n>-<escaped inbox path>`, shortened to ``maximumClaimedNameLength`` bytes
    /// when the inbox name is long (a 250-byte name would otherwise fail the claim's rename
    /// with ENAMETOOLONG and stay in the inbox for ever). A shortened name keeps the start
    /// of the name and its extension (sources match on it), with `~` and a hash of the
    /// whole name between them so two long names sharing a start stay apart.
    static func claimedName(stamp: String, counter: Int, inboxPath: String) -> String {
        let prefix = "\(stamp)-\(counter)-"
        let escaped = escapeClaimName(inboxPath)
        let room = maximumClaimedNameLength - prefix.utf8.count
        guard escaped.utf8.count > room else { return prefix + escaped }
        let mark = "~" + String(FNV1a.hash(inboxPath.utf8), radix: 16)  // over the whole inbox path
        var ext = ""
        if let dot = escaped.lastIndex(of: "."), escaped.utf8.distance(from: dot, to: escaped.endIndex) <= 16 {
            ext = String(escaped[dot...])
        }
        var head = Substring(escaped)
        // Cut on a character boundary until start, mark and extension fit.
        while head.utf8.count + mark.utf8.count + ext.utf8.count > room { head = head.dropLast() }
        return prefix + head + mark + ext
    }

    /// The inverse of ``escapeClaimName(_:)``.
    static func unescapeClaimName(_ name: some StringProtocol) -> String {
        String(name).replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%25", with: "%")
    }

    /// The inbox path (relative, as claimed) of a file named `<millis>-<n>-<escaped path>` in `incoming/`.
    public static func inboxPath(ofClaimed claimed: String) -> String {
        unescapeClaimName(originalName(ofClaimed: claimed))
    }
}
