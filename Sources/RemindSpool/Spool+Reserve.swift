#if canImport(Glibc)
import Glibc
#endif
import FileSystemKit

/// The space reserve: `state/reserve`, a preallocated file that a full disk gives back
/// so that delivery goes on.
///
/// A message leaving its batch needs a few hundred bytes for its own file (a rename, as
/// a later transition is, needs none). When that write fails with ENOSPC the reserve is
/// deleted and the write tried once more, so queued messages keep leaving for `active/`
/// and `sent/` while ingest is stopped. The reserve is made again before the next
/// ingest; while it cannot be (the disk is still full), ingest stays stopped. Its size
/// is 1/64 of the file system, between 64 KB and 4 MB (about a thousand departures on
/// a 4 KB-block file system).
extension Spool {
    var reservePath: String { paths.state + "/reserve" }

    /// Creates the reserve if it is missing. The corresponding C function is `posix_fallocate`.
    func ensureReserve() throws {
        guard (try FileOperations.fileStatus(reservePath)) == nil else { return }
        var fs = statvfs()
        let total = statvfs(paths.state, &fs) == 0 ? Int(fs.f_blocks) * Int(fs.f_frsize) : 0
        let size = min(4 << 20, max(64 << 10, total / 64))
        let temporary = reservePath + ".tmp"
        try? FileOperations.removeFile(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileSystemError(errno: errno, operation: "open", path: temporary) }
        let result = posix_fallocate(fd, 0, off_t(size))  // returns the error number itself
        close(fd)
        guard result == 0 else {
            unlink(temporary)
            throw FileSystemError(errno: result, operation: "posix_fallocate", path: temporary)
        }
        try FileOperations.rename(temporary, to: reservePath)
    }

    /// Runs `body`; on ENOSPC gives the reserve back and runs it once more.
    func withReserve<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FileSystemError where error.code == .noSpace {
            guard (try? FileOperations.fileStatus(reservePath)) != nil else { throw error }
            try FileOperations.removeFile(reservePath)
            reserveReleased = true
            return try body()
        }
    }
}
