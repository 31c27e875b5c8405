#if canImport(Glibc)
import Glibc
#endif

/// One daemon per spool: an exclusive `flock` on `<root>/lock`, taken before anything in
/// the spool is read or changed and held for the life of the process (the kernel drops
/// it when the process ends, `kill -9` included). Two daemons on one spool would each
/// release the same queued messages: with this, the second stops at once, naming the
/// first's pid, which the holder writes into the lock file.
///
/// The descriptor is close-on-exec, so a provider command never inherits the lock.
/// The corresponding C functions are `open`, `flock(LOCK_EX|LOCK_NB)`, `ftruncate`, `write`.
public final class SpoolLock: Sendable {
    public let path: String
    private let fd: Int32

    /// Why the lock could not be taken.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let path: String
        /// The pid the holder wrote, when the lock is held by another process.
        public let holder: Int32?
        public let errno: Int32?

        public var description: String {
            if let holder { return "another remindd (pid \(holder)) holds the spool's lock \(path)" }
            if errno != nil { return "the spool's lock \(path) is held by another process" }
            return "cannot open the spool's lock \(path): \(String(cString: strerror(self.errno ?? EIO)))"
        }
    }

    /// Takes the lock of the spool at `root` (creating `root`, mode 0700, and the lock file,
    /// 0600, when missing), or throws at once when another process holds it.
    public static func acquire(root: String) throws(Failure) -> SpoolLock {
        let path = root + "/lock"
        if access(root, F_OK) != 0 { mkdir(root, 0o700) }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Failure(path: path, holder: nil, errno: nil) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
            let pid = Int32(text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first ?? "")
            throw Failure(path: path, holder: pid, errno: e)
        }
        let line = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return SpoolLock(path: path, fd: fd)
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }
}
