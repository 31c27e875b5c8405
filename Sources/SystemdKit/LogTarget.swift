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
        case .auto: Self.stderrIsJournal() && Self.journalSocketExists() ? .journal : .console
        }
    }

    /// The journal's native-protocol socket.
    public static let journalSocketPath = "/run/systemd/journal/socket"

    static func stderrIsJournal() -> Bool {
        guard let value = getenv("JOURNAL_STREAM") else { return false }
        guard let (device, inode) = parseJournalStream(String(cString: value)) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
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
