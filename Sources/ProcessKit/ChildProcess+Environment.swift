import Glibc

extension ChildProcess {
    /// The environment every command starts from: a standard `PATH` and `LANG=C.UTF-8`,
    /// nothing of the caller's.
    public static let baseEnvironment: [String: String] = [
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
    ]

    /// Why `path` cannot be run as a command by this process, or nil when it can: it must
    /// be absolute, exist, be a regular file, and be executable by the calling user.
    /// The corresponding C functions are `stat` and `access`.
    public static func executableProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "\(path) is not an absolute path" }
        var st = stat()
        guard stat(path, &st) == 0 else {
            let e = errno
            return e == ENOENT ? "\(path) does not exist" : "\(path) cannot be examined (\(String(cString: strerror(e))))"
        }
        guard st.st_mode & S_IFMT == S_IFREG else { return "\(path) is not a regular file" }
        guard access(path, X_OK) == 0 else { return "\(path) is not executable by this user" }
        return nil
    }
}
