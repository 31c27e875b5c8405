#if canImport(Glibc)
import Glibc
#endif

/// A spool message's identity: 64 bits, time-ordered, shown as 16 upper-case hex digits.
///
/// The top 44 bits are milliseconds since 2020-01-01 UTC, the low 20 bits a per-process
/// counter seeded at random, so ids sort by creation time and never collide within a
/// process (up to a million per millisecond).
public struct MessageID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Parses the 16-hex-digit form; nil for anything else.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 16, let value = UInt64(text, radix: 16) else { return nil }
        self.rawValue = value
    }

    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Milliseconds since 2020-01-01T00:00:00Z at creation.
    public var createdMilliseconds: UInt64 { rawValue >> 20 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = MessageID(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a message id: \(text)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Makes time-ordered ``MessageID``s. Thread-safe.
public final class MessageIDGenerator: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var lastMilliseconds: UInt64 = 0
    private var counter: UInt64

    public init() {
        pthread_mutex_init(&lock, nil)
        counter = UInt64.random(in: 0..<(1 << 19))
    }

    deinit { pthread_mutex_destroy(&lock) }

    /// Seconds from 1970 to 2020-01-01T00:00:00Z.
    static let epochOffset: UInt64 = 1_577_836_800

    public func next(nowMilliseconds: UInt64? = nil) -> MessageID {
        let now: UInt64
        if let nowMilliseconds { now = nowMilliseconds } else {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            now = UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
        }
        let sinceEpoch = now &- Self.epochOffset * 1000
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        var ms = sinceEpoch
        if ms <= lastMilliseconds {
            ms = lastMilliseconds
            counter &+= 1
            if counter & 0xFFFFF == 0 { ms += 1 }  // wrapped: borrow the next millisecond
        } else {
            counter &+= 1
        }
        lastMilliseconds = ms
        return MessageID(rawValue: (ms << 20) | (counter & 0xFFFFF))
    }
}
