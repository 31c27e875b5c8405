import Foundation

/// The messages of a spool on disk, read without RemindSpool (a witness of its own): a
/// message is its own file `<state>/<id>`, or a record of a batch `queued/<id>.batch`
/// (message files separated by blank lines between a header and an `End:` record)
/// whose id is not in the batch's `.left` log. A message both in a batch (not logged as
/// left) and in its own file is listed twice: after a clean stop that must never happen.
/// After a daemon was killed it may (see `messages(root:state:afterCrash:)`).
enum SpoolListing {
    static let states = ["queued", "held", "active", "deferred", "sent", "delivered", "failed", "expired", "cancelled", "uncertain"]

    /// Each message in `state`: its id and its file's text (nil when it vanished between
    /// the listing and the read, which only a running daemon causes).
    ///
    /// With `afterCrash`, a batch member counts as queued only while it has no own file in
    /// any state: the spool makes the own file durable before the batch's `.left` line,
    /// so a daemon ended in between (a watchdog abort, kill -9) leaves the member in both,
    /// and the own file is its state, as the spool's recovery reads it
    /// (Spool+Recovery.swift). Without it (after a clean stop) both are listed.
    static func messages(root: String, state: String, afterCrash: Bool = false) -> [(id: String, text: String?)] {
        let directory = root + "/" + state
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
        var out: [(id: String, text: String?)] = []
        for name in names where !name.contains(".") {
            out.append((name, try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)))
        }
        guard state == "queued" else { return out }
        for name in names where name.hasSuffix(".batch") {
            let base = directory + "/" + String(name.dropLast(6))
            guard let text = try? String(contentsOfFile: base + ".batch", encoding: .utf8) else { continue }
            let left = Set(((try? String(contentsOfFile: base + ".left", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init))
            for record in text.components(separatedBy: "\n\n").dropFirst() where record.hasPrefix("Id: ") {
                let id = String(record.dropFirst(4).prefix(16))
                if !left.contains(id) && !(afterCrash && hasOwnFile(root: root, id: id)) { out.append((id, record)) }
            }
        }
        return out
    }

    /// Whether message `id` has its own file in any state's directory.
    static func hasOwnFile(root: String, id: String) -> Bool {
        states.contains { FileManager.default.fileExists(atPath: root + "/" + $0 + "/" + id) }
    }
}
