#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// Typed wrappers over the system calls of a durable spool. All paths are absolute or
/// relative to the working directory; all calls retry on EINTR and throw
/// ``FileSystemError`` otherwise.
public enum FileOperations {
    /// Creates `path` exclusively (it must not exist), writes `bytes`, optionally
    /// flushes them to the device, and closes it. Mode is applied as given (the
    /// process umask still masks it).
    ///
    /// The corresponding C functions are `open(O_CREAT|O_EXCL)`, `write`, `fsync`, `close`.
    public static func createFile(at path: String, contents bytes: [UInt8], mode: UInt32 = 0o600, synchronize: Bool) throws {
        try createFile(at: path, parts: [bytes], mode: mode, synchronize: synchronize)
    }

    /// ``createFile(at:contents:mode:synchronize:)`` with the contents in pieces, written
    /// one after another (a large file need not be joined into one buffer first).
    public static func createFile(at path: String, parts: [[UInt8]], mode: UInt32 = 0o600, synchronize: Bool) throws {
        let fd = try retrying("open", path) { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
        do {
            for bytes in parts { try writeAll(fd: fd, bytes: bytes, path: path) }
            if synchronize { try retrying("fsync", path) { fsync(fd) } }
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        if close(fd) != 0, errno != EINTR {
            let e = errno
            unlink(path)
            throw FileSystemError(errno: e, operation: "close", path: path)
        }
    }

    /// Appends `bytes` to an existing file, optionally flushing its data (`fdatasync`).
    public static func append(to path: String, contents bytes: [UInt8], synchronize: Bool) throws {
        let fd = try retrying("open", path) { open(path, O_WRONLY | O_APPEND | O_CLOEXEC) }
        defer { close(fd) }
        try writeAll(fd: fd, bytes: bytes, path: path)
        if synchronize { try retrying("fdatasync", path) { fdatasync(fd) } }
    }

    /// Writes `bytes` to `path` atomically: a temporary file beside it, fsync'd, renamed
    /// over `path`, then the directory fsync'd. Readers see the old or the new file, never a part.
    public static func replaceFile(at path: String, contents bytes: [UInt8], mode: UInt32 = 0o600) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        try createFile(at: temporary, contents: bytes, mode: mode, synchronize: true)
        try rename(temporary, to: path)
        try synchronizeDirectory(directoryName(of: path))
    }

    /// Flushes a file's data (and the metadata needed to read it back) to the device.
    ///
    /// The corresponding C function is `fdatasync`.
    public static func synchronizeData(_ path: String) throws {
        let fd = try retrying("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        try retrying("fdatasync", path) { fdatasync(fd) }
    }

    /// Flushes a directory's entries (names created, renamed or removed in it) to the device.
    ///
    /// The corresponding C function is `fsync` on the directory.
    public static func synchronizeDirectory(_ path: String) throws {
        let fd = try retrying("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try retrying("fsync", path) { fsync(fd) }
    }

    /// Flushes every dirty file of the file system that holds `path`: one call makes a
    /// whole batch of new files durable (group commit).
    ///
    /// The corresponding C function is `syncfs`.
    public static func synchronizeFileSystem(containing path: String) throws {
        let fd = try retrying("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try retrying("syncfs", path) { clinux_syncfs(fd) }
    }

    /// Renames `source` to `destination`, replacing it if it exists (atomic on one file system).
    ///
    /// The corresponding C function is `rename`.
    public static func rename(_ source: String, to destination: String) throws {
        try retrying("rename", source) { Glibc.rename(source, destination) }
    }

    /// Renames `source` to `destination`, failing with `.exists` if `destination` exists.
    ///
    /// The corresponding C function is `renameat2(RENAME_NOREPLACE)`.
    public static func renameNoReplace(_ source: String, to destination: String) throws {
        try retrying("rename", source) { clinux_renameat2_noreplace(AT_FDCWD, source, AT_FDCWD, destination) }
    }

    /// Removes a file; a missing file is not an error.
    public static func removeFile(_ path: String) throws {
        if unlink(path) != 0, errno != ENOENT { throw FileSystemError(errno: errno, operation: "unlink", path: path) }
    }

    /// Creates a directory with exactly `mode` (whatever the umask) if it does not exist.
    /// An existing directory is left as it is: its mode, owner and group are the
    /// packaging's (tmpfiles.d gives an inbox 2770 and a group practice systems write with),
    /// never reset. An existing non-directory is an error (`ENOTDIR`).
    ///
    /// The corresponding C functions are `mkdir`, `chmod` (of the new directory only), `lstat`.
    public static func makeDirectory(_ path: String, mode: UInt32 = 0o700) throws {
        if mkdir(path, mode) == 0 {
            if chmod(path, mode) != 0 { throw FileSystemError(errno: errno, operation: "chmod", path: path) }
            return
        }
        let e = errno
        guard e == EEXIST else { throw FileSystemError(errno: e, operation: "mkdir", path: path) }
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw FileSystemError(errno: ENOTDIR, operation: "mkdir", path: path)
        }
    }

    /// Reads a whole regular file.
    public static func readFile(_ path: String, limit: Int = Int.max) throws -> [UInt8] {
        let fd = try retrying("open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        defer { close(fd) }
        var result: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0 { result.reserveCapacity(Int(st.st_size)) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(errno: errno, operation: "read", path: path)
            }
            if n == 0 { break }
            result.append(contentsOf: buffer[0..<n])
            if result.count > limit { throw FileSystemError(errno: EFBIG, operation: "read", path: path) }
        }
        return result
    }

    /// The names in a directory, without `.` and `..`, in no particular order.
    public static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw FileSystemError(errno: errno, operation: "opendir", path: path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// What kind of file is at `path`, without following a symbolic link; nil if nothing is there.
    public static func fileStatus(_ path: String) throws -> FileStatus? {
        var st = stat()
        if lstat(path, &st) != 0 {
            if errno == ENOENT { return nil }
            throw FileSystemError(errno: errno, operation: "lstat", path: path)
        }
        return FileStatus(st)
    }

    /// The directory part of a path (`/a/b/c` → `/a/b`, `c` → `.`).
    public static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func writeAll(fd: Int32, bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(errno: errno, operation: "write", path: path)
            }
            offset += n
        }
    }

    @discardableResult
    static func retrying(_ operation: String, _ path: String, _ call: () -> Int32) throws -> Int32 {
        while true {
            let result = call()
            if result >= 0 { return result }
            let e = errno
            if e == EINTR { continue }
            throw FileSystemError(errno: e, operation: operation, path: path)
        }
    }
}

/// The parts of `stat` remindd looks at.
public struct FileStatus: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case regular, directory, symbolicLink, other }
    public let kind: Kind
    public let size: Int
    public let mode: UInt32
    /// Modification time, seconds since 1970.
    public let modified: Double

    init(_ st: stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        size = Int(st.st_size)
        mode = UInt32(st.st_mode & 0o7777)
        modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
    }
}
