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

    /// The inverse of ``escapeClaimName(_:)``.
    static func unescapeClaimName(_ name: some StringProtocol) -> String {
        String(name).replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%25", with: "%")
    }

    /// The inbox path (relative, as claimed) of a file named `<millis>-<n>-<escaped path>` in `incoming/`.
    public static func inboxPath(ofClaimed claimed: String) -> String {
        unescapeClaimName(originalName(ofClaimed: claimed))
    }
}
