public import Foundation
public import RemindDelivery

/// Joins a patient's reply that the SMSC delivers in parts (a UDH concatenation header,
/// 8- or 16-bit reference, or the SAR TLVs) into one ``InboundMessage``, so that keyword
/// matching and `replies/` see the whole text. A synchronous struct over an injected `now`.
///
/// Parts are keyed by sender, reference and total, kept in memory, and joined in sequence
/// order (the raw octets, then decoded once by the first part's data_coding, so a UCS-2
/// character split across parts survives). A set still incomplete after ``timeout`` (or
/// pushed out by ``limit`` newer sets) is delivered with the parts that came, in order, so
/// nothing a patient wrote is dropped; the reply then says `[incomplete]`.
///
/// How it is acknowledged is the provider's business: parts before the last are answered
/// when they arrive (an SMSC that waits for each deliver_sm_resp before the next part
/// would wait forever otherwise), once written to disk (``ReplyPartStore``, read back with
/// ``restore(_:)`` after a restart); the completing part only once the joined reply is durable.
public struct ReplyAssembler: Sendable {
    /// Concatenation data of one part.
    public struct Segment: Sendable, Hashable {
        public var reference: Int
        public var total: Int
        public var sequence: Int
    }

    /// What ``add(_:now:)`` made of a deliver_sm.
    public enum Step: Sendable, Hashable {
        /// Not part of a concatenated message: read it as it is.
        case single
        /// A part kept until the others come.
        case kept
        /// The last missing part: the whole reply.
        case complete(InboundMessage)
    }

    /// One reply's set of parts: who sent it, its concatenation reference and part count.
    public struct SetID: Hashable, Sendable, Codable {
        public var sender: String
        public var reference: Int
        public var total: Int

        public init(sender: String, reference: Int, total: Int) {
            self.sender = sender
            self.reference = reference
            self.total = total
        }
    }

    typealias Key = SetID

    /// A part before the last, as ``ReplyPartStore`` keeps it on disk.
    public struct KeptPart: Hashable, Sendable, Codable {
        public var set: SetID
        public var sequence: Int
        public var dataCoding: UInt8
        /// When the set's first part came (its timeout counts from then).
        public var first: Date
        /// The part's octets after its UDH.
        public var payload: [UInt8]

        public init(set: SetID, sequence: Int, dataCoding: UInt8, first: Date, payload: [UInt8]) {
            self.set = set
            self.sequence = sequence
            self.dataCoding = dataCoding
            self.first = first
            self.payload = payload
        }
    }

    struct Pending {
        var parts: [Int: [UInt8]] = [:]
        var dataCoding: UInt8
        var first: Date
    }

    public static let incompleteMarker = " [incomplete]"

    public var timeout: TimeInterval
    public var limit: Int
    private var pending: [Key: Pending] = [:]

    public init(timeout: TimeInterval = 120, limit: Int = 1000) {
        self.timeout = timeout
        self.limit = limit
    }

    /// Sets kept, waiting for parts.
    public var pendingCount: Int { pending.count }

    /// When the oldest incomplete set times out.
    public var nextDeadline: Date? { pending.values.map(\.first).min().map { $0 + timeout } }

    /// The concatenation data of `m`: its UDH (IEI 0x00 or 0x08) or its SAR TLVs; nil when
    /// it is a whole message (or says it is part 1 of 1).
    public static func segment(of m: ShortMessage) -> Segment? {
        if m.esmClass & ShortMessage.udhIndicator != 0, let length = m.message.first, Int(length) < m.message.count {
            var i = 1
            let end = 1 + Int(length)
            while i + 1 < end {
                let iei = m.message[i], ieLength = Int(m.message[i + 1])
                let data = Array(m.message[min(end, i + 2)..<min(end, i + 2 + ieLength)])
                if iei == 0x00, data.count == 3 { return valid(Segment(reference: Int(data[0]), total: Int(data[1]), sequence: Int(data[2]))) }
                if iei == 0x08, data.count == 4 {
                    return valid(Segment(reference: Int(data[0]) << 8 | Int(data[1]), total: Int(data[2]), sequence: Int(data[3])))
                }
                i += 2 + ieLength
            }
            return nil
        }
        if let reference = m.tlvs[tag: TLV.sarMessageReference]?.value, reference.count == 2,
           let total = m.tlvs[tag: TLV.sarTotalSegments]?.value.first, let sequence = m.tlvs[tag: TLV.sarSegmentSequenceNumber]?.value.first {
            return valid(Segment(reference: Int(reference[0]) << 8 | Int(reference[1]), total: Int(total), sequence: Int(sequence)))
        }
        return nil
    }

    private static func valid(_ s: Segment) -> Segment? {
        s.total > 1 && s.sequence >= 1 && s.sequence <= s.total ? s : nil
    }

    /// Takes one inbound deliver_sm (not a receipt).
    public mutating func add(_ m: ShortMessage, now: Date) -> Step {
        guard let segment = Self.segment(of: m) else { return .single }
        let sender = DeliverDecoder.sender(m.source)
        let key = Key(sender: sender, reference: segment.reference, total: segment.total)
        var set = pending[key] ?? Pending(dataCoding: m.dataCoding, first: now)
        set.parts[segment.sequence] = Self.payload(m)
        if set.parts.count == segment.total {
            pending[key] = nil
            return .complete(Self.join(set, sender: sender, complete: true, now: now))
        }
        pending[key] = set
        return .kept
    }

    /// The set `m` belongs to and its place in it; nil for a whole message.
    public static func place(of m: ShortMessage) -> (set: SetID, sequence: Int)? {
        guard let segment = segment(of: m) else { return nil }
        return (SetID(sender: DeliverDecoder.sender(m.source), reference: segment.reference, total: segment.total), segment.sequence)
    }

    /// The part `m` as kept, after ``add(_:now:)`` said ``Step/kept``.
    public func kept(_ m: ShortMessage) -> KeptPart? {
        guard let (set, sequence) = Self.place(of: m), let pending = pending[set], let payload = pending.parts[sequence] else { return nil }
        return KeptPart(set: set, sequence: sequence, dataCoding: pending.dataCoding, first: pending.first, payload: payload)
    }

    /// Puts back a part kept before a restart (its set's first arrival time with it).
    public mutating func restore(_ part: KeptPart) {
        guard part.set.total > 1, part.sequence >= 1, part.sequence <= part.set.total else { return }
        var set = pending[part.set] ?? Pending(dataCoding: part.dataCoding, first: part.first)
        set.parts[part.sequence] = part.payload
        set.first = min(set.first, part.first)
        pending[part.set] = set
    }

    /// Sets that waited ``timeout`` (and the oldest beyond ``limit``), as the replies they make.
    public mutating func expire(now: Date) -> [InboundMessage] {
        expireSets(now: now).map(\.reply)
    }

    /// ``expire(now:)`` with the set each reply came from.
    public mutating func expireSets(now: Date) -> [(set: SetID, reply: InboundMessage)] {
        var out: [(set: SetID, reply: InboundMessage)] = []
        for (key, set) in pending where now >= set.first + timeout {
            pending[key] = nil
            out.append((key, Self.join(set, sender: key.sender, complete: false, now: now)))
        }
        while pending.count > limit, let oldest = pending.min(by: { $0.value.first < $1.value.first }) {
            pending[oldest.key] = nil
            out.append((oldest.key, Self.join(oldest.value, sender: oldest.key.sender, complete: false, now: now)))
        }
        return out
    }

    /// The octets after the UDH (or the whole short_message for SAR).
    static func payload(_ m: ShortMessage) -> [UInt8] {
        var bytes = m.message
        if m.esmClass & ShortMessage.udhIndicator != 0, let length = bytes.first, Int(length) < bytes.count {
            bytes.removeFirst(Int(length) + 1)
        }
        return bytes
    }

    static func join(_ set: Pending, sender: String, complete: Bool, now: Date) -> InboundMessage {
        var whole = ShortMessage()
        whole.dataCoding = set.dataCoding
        whole.message = set.parts.keys.sorted().flatMap { set.parts[$0] ?? [] }
        let text = DeliverDecoder.text(whole)
        return InboundMessage(sender: sender, text: complete ? text : text + incompleteMarker, time: now)
    }
}
