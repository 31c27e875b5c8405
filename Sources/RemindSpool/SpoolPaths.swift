public import RemindCore

/// The directories of one spool (see the module overview for what each holds).
public struct SpoolPaths: Sendable, Hashable {
    public let root: String
    public let inbox: String
    public let incoming: String
    public let archive: String
    public let rejected: String
    public let tmp: String
    public let state: String

    /// - Parameters:
    ///   - root: the spool directory, for example `/var/spool/remindd`.
    ///   - inbox: where practice systems drop files; `root/inbox` unless set.
    public init(root: String, inbox: String? = nil) {
        let r = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = r
        self.inbox = inbox ?? r + "/inbox"
        incoming = r + "/incoming"
        archive = r + "/archive"
        rejected = r + "/rejected"
        tmp = r + "/tmp"
        state = r + "/state"
    }

    /// Patients' replies that came through a gateway (`replies/YYYY-MM-DD.jsonl`, 0600 in 0700).
    public var replies: String { root + "/replies" }

    /// The parts of patients' replies answered before their last part came (SMPP's
    /// `ReplyPartStore`; 0600 files in 0700), so a restart does not lose them.
    public var smppReplyParts: String { state + "/smpp-reply-parts" }

    /// The gateway reference log (``ReferenceIndex``).
    public var references: String { state + "/references" }

    public func directory(for state: MessageState) -> String { root + "/" + state.rawValue }

    public func path(of id: MessageID, in state: MessageState) -> String { directory(for: state) + "/\(id)" }

    /// Every directory remindd writes to (the inbox is created too, but left to its writers).
    public var allDirectories: [String] {
        [root, inbox, incoming, archive, rejected, tmp, state, replies] + MessageState.allCases.map(directory(for:))
    }
}
