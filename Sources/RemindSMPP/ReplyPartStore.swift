public import Foundation
import FileSystemKit
import RemindCore

/// The parts of patients' replies that came before their last part, kept on disk so that
/// a part remindd has answered (deliver_sm_resp: the SMSC will not send it again) survives
/// a crash or a restart before the rest of its reply comes.
///
/// One file per part, `<set>-<sequence>.json` (0600, in a 0700 directory under the spool's
/// `state/`), written and synced before the part is answered; a set's files go once the
/// reply they make is durable in `replies/`. A part the SMSC sends twice replaces its file.
/// A file that cannot be read is left where it is and reported, never deleted.
public struct ReplyPartStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Creates the directory (0700) where it is missing.
    public func prepare() throws {
        try FileOperations.makeDirectory(directory, mode: 0o700)
    }

    /// Writes `part` and makes it durable (the file, then the directory).
    public func save(_ part: ReplyAssembler.KeptPart) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        try FileOperations.replaceFile(at: path(part.set, part.sequence), contents: Array(try encoder.encode(part)), mode: 0o600)
    }

    /// Every kept part, and the names of files that are not one.
    public func load() throws -> (parts: [ReplyAssembler.KeptPart], unreadable: [String]) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        var parts: [ReplyAssembler.KeptPart] = []
        var unreadable: [String] = []
        for name in try FileOperations.listDirectory(directory).sorted() where !name.hasSuffix(".tmp") {
            guard name.hasSuffix(".json"),
                  let bytes = try? FileOperations.readFile(directory + "/" + name, limit: 1 << 20),
                  let part = try? decoder.decode(ReplyAssembler.KeptPart.self, from: Data(bytes)),
                  name == fileName(part.set, part.sequence)
            else {
                unreadable.append(name)
                continue
            }
            parts.append(part)
        }
        return (parts, unreadable)
    }

    /// Removes a set's files (once the reply it made is durable).
    public func remove(_ set: ReplyAssembler.SetID) throws {
        guard set.total > 0 else { return }
        for sequence in 1...min(set.total, 255) { try FileOperations.removeFile(path(set, sequence)) }
        try FileOperations.synchronizeDirectory(directory)
    }

    func path(_ set: ReplyAssembler.SetID, _ sequence: Int) -> String { directory + "/" + fileName(set, sequence) }

    /// The set's name: a hash of sender, reference and total (the sender's number is not in
    /// the name, which directory listings and logs may show).
    func fileName(_ set: ReplyAssembler.SetID, _ sequence: Int) -> String {
        FNV1a.hex("\(set.sender)\u{0}\(set.reference)\u{0}\(set.total)") + "-\(sequence).json"
    }
}
