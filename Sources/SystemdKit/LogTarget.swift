#if canImport(Glibc)
internal import Glibc
#endif

/// Where ``JournalLogHandler`` writes.
public enum LogTarget: Sendable, Hashable {
    /// The journal when the process's stderr is connected to it (as systemd sets it up for
    /// a service), otherwise the console. See ``resolved()``.
    case auto
    /// The journal's native protocol (`sd_journal_sendv`): structured fields.
    case journal
    /// One line per entry on stderr, `<N>message key=value …`.
    case console

    /// `.journal` or `.console`; `.auto` becomes `.journal` only when `$JOURNAL_STREAM`
    /// names stderr's device and inode (what systemd's own tools check) and the journal
    /// socket `/run/systemd/journal/socket` exists (`sd_journal_sendv` reports success even
    /// without it).
    public func resolved() -> LogTarget {
        switch self {
        case .journal, .console: self
        case .auto:
            Self.decide(
                journalStream: getenv("JOURNAL_STREAM").map { String(cString: $0) },
                stderrIdentity: Self.stderrIdentity(), journalSocketExists: Self.journalSocketExists())
        }
    }

    /// The decision behind ``resolved()`` for `.auto`, without looking at the process:
    /// `.journal` only when `journalStream` (`$JOURNAL_STREAM`, `DEVICE:INODE` in decimal)
    /// names `stderrIdentity` and the journal socket exists.
    public static func decide(
        journalStream: String?, stderrIdentity: (device: UInt64, inode: UInt64)?, journalSocketExists: Bool
    ) -> LogTarget {
        guard journalSocketExists, let journalStream, let stderrIdentity,
            let (device, inode) = parseJournalStream(journalStream)
        else { return .console }
        return device == stderrIdentity.device && inode == stderrIdentity.inode ? .journal : .console
    }

    /// The journal's native-protocol socket.
    public static let journalSocketPath = "/run/systemd/journal/socket"

    static func stderrIdentity() -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// `$JOURNAL_STREAM` is `DEVICE:INODE`, both decimal.
    static func parseJournalStream(_ text: String) -> (device: UInt64, inode: UInt64)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        return (device, inode)
    }

    static func journalSocketExists() -> Bool {
        var info = stat()
        guard stat(journalSocketPath, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFSOCK
    }
}
