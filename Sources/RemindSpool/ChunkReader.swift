#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads a file front to back through a 1 MB buffer; nil from every read past the end or after an error.
struct ChunkReader {
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false

    init?(path: String) {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    func close() { _ = Glibc.close(fd) }

    /// Makes `n` bytes available (n is at most the buffer's size); false at the end.
    private mutating func fill(_ n: Int) -> Bool {
        if end - start >= n { return true }
        if eof { return false }
        if start > 0 {
            let remaining = end - start
            buffer.withUnsafeMutableBytes { raw in
                if remaining > 0 { memmove(raw.baseAddress!, raw.baseAddress! + start, remaining) }
            }
            start = 0
            end = remaining
        }
        while end - start < n {
            let got = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + end, raw.count - end) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { eof = true; return false }
            end += got
        }
        return true
    }

    var atEnd: Bool { mutating get { !fill(1) } }

    mutating func bytes(_ n: Int) -> [UInt8]? {
        guard fill(n) else { return nil }
        defer { start += n }
        return Array(buffer[start..<(start + n)])
    }

    mutating func u8() -> UInt8? {
        guard fill(1) else { return nil }
        defer { start += 1 }
        return buffer[start]
    }

    mutating func u64() -> UInt64? {
        guard fill(8) else { return nil }
        var v: UInt64 = 0
        buffer.withUnsafeBytes { raw in
            for i in 0..<8 { v |= UInt64(raw[start + i]) << (8 * UInt64(i)) }
        }
        start += 8
        return v
    }

    mutating func u32() -> UInt32? {
        guard fill(4) else { return nil }
        var v: UInt32 = 0
        buffer.withUnsafeBytes { raw in
            for i in 0..<4 { v |= UInt32(raw[start + i]) << (8 * UInt32(i)) }
        }
        start += 4
        return v
    }

    mutating func date() -> Date? { u64().map { Date(timeIntervalSince1970: TimeInterval(Int64(bitPattern: $0))) } }

    mutating func string() -> String? {
        guard fill(2) else { return nil }
        let n = Int(buffer[start]) | Int(buffer[start + 1]) << 8
        start += 2
        guard fill(n) else { return nil }
        defer { start += n }
        return buffer.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<(start + n)]), as: UTF8.self) }
    }
}
