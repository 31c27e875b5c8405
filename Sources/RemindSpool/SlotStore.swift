/// The index's slots in chunks of ``chunkSize``, not one array: growing by a chunk never
/// copies the slots already there, so a spool of two million messages peaks at its own
/// size while an export is ingested, not at one and a half times it (an array doubling
/// holds the old and the new buffer at once: 64 MB and 128 MB at two million slots).
struct SlotStore: RandomAccessCollection {
    /// 65,536 slots, 4 MB a chunk.
    static let chunkShift = 16
    static let chunkSize = 1 << chunkShift
    private var chunks: [[IndexSlot]] = []
    private(set) var count = 0

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(n: Int) -> IndexSlot {
        get { chunks[n >> Self.chunkShift][n & (Self.chunkSize - 1)] }
        set { chunks[n >> Self.chunkShift][n & (Self.chunkSize - 1)] = newValue }
    }

    mutating func append(_ slot: IndexSlot) {
        if count & (Self.chunkSize - 1) == 0 {
            var chunk: [IndexSlot] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(slot)
        count += 1
    }

    /// Makes room for the chunks `n` slots need (their pages are touched only when written).
    mutating func reserveCapacity(_ n: Int) {
        chunks.reserveCapacity((n + Self.chunkSize - 1) >> Self.chunkShift)
    }
}
