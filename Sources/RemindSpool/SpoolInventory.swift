public import RemindCore
import FileSystemKit

/// A read-only census of a spool on disk, for `remindctl status` when the daemon is
/// down and for tests: which messages are in which state, from the directories, the
/// batches and their `.left` logs, without recovering or changing anything.
public enum SpoolInventory {
    /// The ids of the messages in each state. A batch member counts as queued unless its
    /// id is in the batch's `.left` log or it has its own file in some state (then it
    /// counts there only). Unreadable batches and stray names are skipped.
    public static func messages(in paths: SpoolPaths) -> [MessageState: [MessageID]] {
        var out: [MessageState: [MessageID]] = [:]
        var own = Set<MessageID>()
        var batches: [MessageID] = []
        for state in MessageState.allCases {
            let names = (try? FileOperations.listDirectory(paths.directory(for: state))) ?? []
            for name in names where !name.hasPrefix(".") {
                if let id = MessageID(name) {
                    out[state, default: []].append(id)
                    own.insert(id)
                } else if state == .queued, name.hasSuffix(BatchFile.suffix), let id = MessageID(name.dropLast(BatchFile.suffix.count)) {
                    batches.append(id)
                }
            }
        }
        for batch in batches {
            let base = paths.directory(for: .queued) + "/\(batch)"
            guard let bytes = try? FileOperations.readFile(base + BatchFile.suffix),
                  let members = try? BatchFile.members(of: bytes, path: base + BatchFile.suffix) else { continue }
            let left = (try? BatchFile.readLeft(base + BatchFile.leftSuffix)) ?? []
            for member in members where !left.contains(member.id) && !own.contains(member.id) {
                out[.queued, default: []].append(member.id)
            }
        }
        return out
    }

    /// The messages in `state`, decoded (own files, and for `queued` the batch members
    /// that have not left), in no particular order. Read-only, like ``messages(in:)``.
    /// - Throws: ``SpoolError`` when a message file or a batch record cannot be decoded.
    public static func decoded(in paths: SpoolPaths, state: MessageState) throws -> [SpoolMessage] {
        let census = messages(in: paths)[state] ?? []
        var out: [SpoolMessage] = []
        out.reserveCapacity(census.count)
        var wanted = Set(census)
        let directory = paths.directory(for: state)
        for id in census {
            let path = directory + "/\(id)"
            guard let bytes = try? FileOperations.readFile(path) else { continue }
            out.append(try MessageFile.decode(bytes, path: path))
            wanted.remove(id)
        }
        guard state == .queued, !wanted.isEmpty else { return out }
        for name in (try? FileOperations.listDirectory(directory)) ?? [] where name.hasSuffix(BatchFile.suffix) {
            let path = directory + "/" + name
            guard let bytes = try? FileOperations.readFile(path) else { continue }
            for member in try BatchFile.members(of: bytes, path: path) where wanted.contains(member.id) {
                let record = Array(bytes[Int(member.offset)..<Int(member.offset + member.length)])
                out.append(try MessageFile.decode(record, path: path + "#\(member.id)"))
            }
        }
        return out
    }
}

extension SpoolInventory {
    /// Every message in `states` that can be decoded, with its state: for `remindctl queue`,
    /// `show` and `stats` while the daemon is down. Lenient, unlike ``decoded(in:state:)``:
    /// a file or batch record that does not decode is skipped (the daemon quarantines it at
    /// its next start). A batch member with its own file anywhere counts there only.
    public static func readable(in paths: SpoolPaths, states: Set<MessageState>) -> [(state: MessageState, message: SpoolMessage)] {
        var out: [(state: MessageState, message: SpoolMessage)] = []
        var own = Set<MessageID>()
        var batches: [MessageID] = []
        for state in MessageState.allCases {
            let directory = paths.directory(for: state)
            for name in (try? FileOperations.listDirectory(directory)) ?? [] where !name.hasPrefix(".") {
                if let id = MessageID(name) {
                    own.insert(id)
                    if states.contains(state), let m = decodedFile(directory + "/" + name) { out.append((state, m)) }
                } else if state == .queued, name.hasSuffix(BatchFile.suffix), let id = MessageID(name.dropLast(BatchFile.suffix.count)) {
                    batches.append(id)
                }
            }
        }
        guard states.contains(.queued) else { return out }
        for batch in batches {
            forEachMember(of: batch, in: paths) { m in if !own.contains(m.id) { out.append((.queued, m)) } }
        }
        return out
    }

    /// The message with this id and its state, or nil (read-only and lenient, like
    /// ``readable(in:states:)``).
    public static func readable(_ id: MessageID, in paths: SpoolPaths) -> (state: MessageState, message: SpoolMessage)? {
        for state in MessageState.allCases {
            if let m = decodedFile(paths.path(of: id, in: state)), m.id == id { return (state, m) }
        }
        let queued = paths.directory(for: .queued)
        for name in (try? FileOperations.listDirectory(queued)) ?? [] where name.hasSuffix(BatchFile.suffix) {
            guard let batch = MessageID(name.dropLast(BatchFile.suffix.count)) else { continue }
            var found: SpoolMessage?
            forEachMember(of: batch, in: paths) { m in if m.id == id { found = m } }
            if let found { return (.queued, found) }
        }
        return nil
    }

    private static func decodedFile(_ path: String) -> SpoolMessage? {
        guard let bytes = try? FileOperations.readFile(path) else { return nil }
        return try? MessageFile.decode(bytes, path: path)
    }

    /// Calls `body` with each member of a batch that has not left it and decodes.
    private static func forEachMember(of batch: MessageID, in paths: SpoolPaths, _ body: (SpoolMessage) -> Void) {
        let base = paths.directory(for: .queued) + "/\(batch)"
        let path = base + BatchFile.suffix
        guard let bytes = try? FileOperations.readFile(path), let members = try? BatchFile.members(of: bytes, path: path) else { return }
        let left = (try? BatchFile.readLeft(base + BatchFile.leftSuffix)) ?? []
        for member in members where !left.contains(member.id) {
            let record = Array(bytes[Int(member.offset)..<Int(member.offset + member.length)])
            if let m = try? MessageFile.decode(record, path: path + "#\(member.id)") { body(m) }
        }
    }
}
