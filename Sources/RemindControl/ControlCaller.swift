#if canImport(Glibc)
import Glibc
#endif

/// Who sent a control request: the peer's credentials as the kernel gave them when it
/// connected (SO_PEERCRED), never what the request says. Journaled and written into a
/// message's history with every change an operator makes.
public struct ControlCaller: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// The user's name from the password database, when it has one.
    public var user: String?

    public init(pid: Int32, uid: UInt32, gid: UInt32, user: String? = nil) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.user = user
    }

    /// The name of `uid` in the password database. The corresponding C function is `getpwuid_r`.
    public static func userName(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 1024)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return nil }
        return String(cString: name)
    }

    /// `user=root uid=0 gid=0 pid=1234` (for a history line and the journal).
    public var description: String {
        (user.map { "user=\($0) " } ?? "") + "uid=\(uid) gid=\(gid) pid=\(pid)"
    }
}
