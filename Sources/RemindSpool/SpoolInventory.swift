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
