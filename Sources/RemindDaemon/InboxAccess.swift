#if canImport(Glibc)
import Glibc
#endif

/// Whether the practice systems can still drop exports: the packaging makes the inbox
/// mode 2770 with group `remindd-inbox` (remindd.tmpfiles) and the spool root 0710 in
/// that group, so its members may pass through to the inbox and write there. remindd
/// never changes an existing directory's mode; when something else did (a `chmod -R`,
/// a restore from a backup), start-up says so once in the journal.
enum InboxAccess {
    /// The group practice systems write the inbox with.
    static let group = "remindd-inbox"

    /// Why members of `group` cannot drop files into `inbox` under `root`, or nil when
    /// they can, or when the group does not exist on this host (a run outside the
    /// packaging: nothing to check against).
    static func problem(inbox: String, root: String, group: String = InboxAccess.group) -> String? {
        guard let entry = getgrnam(group) else { return nil }
        let gid = entry.pointee.gr_gid
        var st = stat()
        guard stat(inbox, &st) == 0 else { return nil }
        let mode = st.st_mode & 0o7777
        if st.st_gid != gid {
            return "the inbox \(inbox) belongs to group \(groupName(st.st_gid)), not \(group) (mode \(octal(mode)))"
        }
        if mode & 0o030 != 0o030 {
            return "the inbox \(inbox) is mode \(octal(mode)): group \(group) cannot write there (expected 2770)"
        }
        // The spool root must let the group through (x) when the inbox is inside it.
        if inbox.hasPrefix(root + "/") {
            var rootStat = stat()
            if stat(root, &rootStat) == 0 {
                let passes = rootStat.st_gid == gid ? rootStat.st_mode & 0o010 != 0 : rootStat.st_mode & 0o001 != 0
                if !passes {
                    return "the spool root \(root) is mode \(octal(rootStat.st_mode & 0o7777)) in group \(groupName(rootStat.st_gid)): group \(group) cannot reach the inbox (expected 0710 in group \(group))"
                }
            }
        }
        return nil
    }

    private static func octal(_ mode: mode_t) -> String { "0" + String(mode, radix: 8) }

    private static func groupName(_ gid: gid_t) -> String {
        getgrgid(gid).map { String(cString: $0.pointee.gr_name) } ?? "\(gid)"
    }
}
