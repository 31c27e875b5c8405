#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// A directory entry's name as the kernel holds it: bytes, which need not be UTF-8.
///
/// Linux file names are any bytes but `/` and NUL. A practice system on a Latin-1 locale
/// (or a Samba share without `unix charset = UTF-8`) writes `Müller.csv` as `M\xFCller.csv`,
/// which no Swift `String` can name: decoding repairs the byte to U+FFFD, and the repaired
/// name opens nothing. ``escaped`` gives such a name a readable, reversible text form, and
/// ``FileOperations/renameNoReplace(_:in:to:)`` moves the entry by its bytes.
public struct EntryName: Hashable, Sendable, CustomStringConvertible {
    /// The name's bytes, without a terminating NUL.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The name as text; nil when its bytes are not valid UTF-8.
    public var text: String? { String(validating: bytes, as: UTF8.self) }

    /// A text form for any name: a valid name as it is; in a name that is not valid UTF-8,
    /// `%` becomes `%25` and each byte of an invalid sequence `%XX` (upper-case hex), while
    /// valid characters stay as they are. `M\xFCller.csv` → `M%FCller.csv`. The original
    /// bytes can be recovered from it (``init(escaped:)``).
    public var escaped: String {
        if let text { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var i = 0
        while i < bytes.count {
            let length = Self.validSequenceLength(bytes, at: i)
            if length == 0 {
                out.append(contentsOf: Self.percent(bytes[i]))
                i += 1
            } else if length == 1 && bytes[i] == UInt8(ascii: "%") {
                out.append(contentsOf: Array("%25".utf8))
                i += 1
            } else {
                out.append(contentsOf: bytes[i..<(i + length)])
                i += length
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes an ``escaped`` form stands for (the inverse of ``escaped`` for a name
    /// that was not valid UTF-8).
    public init(escaped: String) {
        var out: [UInt8] = []
        let utf8 = Array(escaped.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count, let byte = UInt8(String(decoding: utf8[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(byte)
                i += 3
            } else {
                out.append(utf8[i])
                i += 1
            }
        }
        bytes = out
    }

    public var description: String { escaped }

    private static func percent(_ byte: UInt8) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        return [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
    }

    /// The length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there
    /// do not start one (a stray continuation byte, an overlong form, a surrogate, a cut sequence).
    static func validSequenceLength(_ bytes: [UInt8], at i: Int) -> Int {
        let lead = bytes[i]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard i + length <= bytes.count else { return 0 }
        return String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil ? 0 : length
    }
}

extension FileOperations {
    /// The names in a directory as bytes (``EntryName``), `.` and `..` left out.
    ///
    /// The corresponding C functions are `opendir`, `readdir`, `closedir`.
    public static func listDirectoryEntries(_ path: String) throws -> [EntryName] {
        guard let dir = opendir(path) else { throw FileSystemError(errno: errno, operation: "opendir", path: path) }
        defer { closedir(dir) }
        var names: [EntryName] = []
        while let entry = readdir(dir) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
            if bytes != [0x2E] && bytes != [0x2E, 0x2E] { names.append(EntryName(bytes: bytes)) }
        }
        return names
    }

    /// Renames the entry `name` of `directory` (by its bytes) to `destination`, failing with
    /// `.exists` if `destination` exists.
    ///
    /// The corresponding C function is `renameat2(RENAME_NOREPLACE)`.
    public static func renameNoReplace(_ name: EntryName, in directory: String, to destination: String) throws {
        let source: [CChar] = (Array(directory.utf8) + [UInt8(ascii: "/")] + name.bytes + [0]).map { CChar(bitPattern: $0) }
        try retrying("rename", directory + "/" + name.escaped) { clinux_renameat2_noreplace(AT_FDCWD, source, AT_FDCWD, destination) }
    }

    /// What kind of file the entry `name` of `directory` is, without following a symbolic
    /// link; nil if nothing is there.
    ///
    /// The corresponding C function is `lstat`.
    public static func fileStatus(_ name: EntryName, in directory: String) throws -> FileStatus? {
        let path: [CChar] = (Array(directory.utf8) + [UInt8(ascii: "/")] + name.bytes + [0]).map { CChar(bitPattern: $0) }
        var st = stat()
        if lstat(path, &st) != 0 {
            if errno == ENOENT { return nil }
            throw FileSystemError(errno: errno, operation: "lstat", path: directory + "/" + name.escaped)
        }
        return FileStatus(st)
    }
}
