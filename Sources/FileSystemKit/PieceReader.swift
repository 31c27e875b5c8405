#if canImport(Glibc)
import Glibc
#endif

/// Reads a file from start to end in pieces of a bounded size, so a large file is never
/// held whole. Not thread-safe: one reader, one thread at a time (it is not `Sendable`).
///
/// The corresponding C functions are `open(O_RDONLY|O_NOFOLLOW)`, `read`, `close`.
public final class PieceReader {
    public let path: String
    private var fd: Int32

    /// Opens `path` for reading; a symbolic link is refused (`ELOOP`).
    public init(path: String) throws {
        self.path = path
        fd = try FileOperations.retrying("open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Up to `size` bytes, fewer only at the end of the file; empty at its end.
    public func read(upTo size: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let n = result.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, size - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(errno: errno, operation: "read", path: path)
            }
            if n == 0 { break }
            filled += n
        }
        result.removeLast(size - filled)
        return result
    }
}
