#if canImport(Glibc)
internal import Glibc
#endif

/// The credentials systemd passes to the service (`LoadCredential=`, `SetCredential=`,
/// `LoadCredentialEncrypted=`): one file per credential in `$CREDENTIALS_DIRECTORY`.
///
/// Reads synchronously (small files, at start-up or reload). Errors name the credential
/// and its path but never its value; callers must not log the value either.
public struct Credentials: Sendable {
    /// The credentials directory.
    public let directory: String

    /// Uses `$CREDENTIALS_DIRECTORY`.
    /// - Throws: ``SystemdError`` with ``SystemdError/Code/credentialsDirectoryMissing``
    ///   when it is not set (the unit has no `LoadCredential=`/`SetCredential=`).
    public init() throws {
        guard let value = getenv("CREDENTIALS_DIRECTORY"), value.pointee != 0 else {
            throw SystemdError(
                code: .credentialsDirectoryMissing,
                message: "$CREDENTIALS_DIRECTORY is not set: add LoadCredential= or SetCredential= to the unit")
        }
        self.directory = String(cString: value)
    }

    /// Uses `directory` (for tests, or a directory given in configuration).
    public init(directory: String) {
        self.directory = directory
    }

    /// The credential `name` as raw bytes.
    /// - Throws: ``SystemdError`` with ``SystemdError/Code/invalidCredentialName``,
    ///   ``SystemdError/Code/credentialMissing`` or ``SystemdError/Code/credentialUnreadable``.
    public func bytes(_ name: String) throws -> [UInt8] {
        guard !name.isEmpty, name != ".", name != "..", !name.utf8.contains(0x2F), !name.utf8.contains(0) else {
            throw SystemdError(code: .invalidCredentialName, message: "invalid credential name \"\(name)\"")
        }
        let path = directory + "/" + name
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let error = errno
            if error == ENOENT {
                throw SystemdError(
                    code: .credentialMissing,
                    message: "credential \"\(name)\" is missing: add LoadCredential=\(name):… to the unit",
                    path: path, errno: error)
            }
            throw SystemdError(
                code: .credentialUnreadable, message: "credential \"\(name)\" cannot be opened", path: path,
                errno: error)
        }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                let error = errno
                if error == EINTR { continue }
                throw SystemdError(
                    code: .credentialUnreadable, message: "credential \"\(name)\" cannot be read", path: path,
                    errno: error)
            }
            data += chunk[0..<count]
        }
        return data
    }

    /// The credential `name` as UTF-8 text, with one trailing line break removed (files
    /// written with `echo` end with one).
    /// - Throws: as ``bytes(_:)``, and ``SystemdError/Code/credentialNotUTF8``.
    public func string(_ name: String) throws -> String {
        var data = try bytes(name)
        if data.last == 0x0A { data.removeLast() }
        if data.last == 0x0D { data.removeLast() }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw SystemdError(
                code: .credentialNotUTF8, message: "credential \"\(name)\" is not UTF-8 text",
                path: directory + "/" + name)
        }
        return text
    }

    /// Whether a credential of that name exists.
    public func contains(_ name: String) -> Bool {
        guard !name.isEmpty, !name.utf8.contains(0x2F) else { return false }
        return access(directory + "/" + name, F_OK) == 0
    }
}
