/// A linear-probing hash table of slot numbers (-1: empty), load at most one half,
/// deletion by backward shift (no tombstones). The caller supplies the hash of a slot.
struct SlotTable {
    private var buckets: [Int32] = Array(repeating: -1, count: 16)
    private(set) var count = 0

    func find(_ hash: Int, _ matches: (Int32) -> Bool) -> Int32? {
        let mask = buckets.count - 1
        var i = hash & mask
        while true {
            let s = buckets[i]
            if s < 0 { return nil }
            if matches(s) { return s }
            i = (i + 1) & mask
        }
    }

    mutating func reserve(_ n: Int, rehash: (Int32) -> Int) {
        var capacity = buckets.count
        while capacity < n * 2 { capacity *= 2 }
        if capacity != buckets.count { resize(capacity, rehash) }
    }

    mutating func insert(_ slot: Int32, hash: Int, rehash: (Int32) -> Int) {
        if (count + 1) * 2 > buckets.count { resize(buckets.count * 2, rehash) }
        let mask = buckets.count - 1
        var i = hash & mask
        while buckets[i] >= 0 { i = (i + 1) & mask }
        buckets[i] = slot
        count += 1
    }

    /// Puts `new` in the bucket of `old` (both have the same hash).
    mutating func replace(_ old: Int32, with new: Int32, hash: Int) {
        let mask = buckets.count - 1
        var i = hash & mask
        while buckets[i] != old {
            precondition(buckets[i] >= 0, "slot not in the table")
            i = (i + 1) & mask
        }
        buckets[i] = new
    }

    mutating func remove(_ slot: Int32, hash: Int, rehash: (Int32) -> Int) {
        let mask = buckets.count - 1
        var i = hash & mask
        while buckets[i] != slot {
            precondition(buckets[i] >= 0, "slot not in the table")
            i = (i + 1) & mask
        }
        var j = i
        while true {
            j = (j + 1) & mask
            let s = buckets[j]
            if s < 0 { break }
            let k = rehash(s) & mask
            // Leave s where it is if its home k lies cyclically in (i, j].
            let stays = i <= j ? (i < k && k <= j) : (i < k || k <= j)
            if stays { continue }
            buckets[i] = s
            i = j
        }
        buckets[i] = -1
        count -= 1
    }

    private mutating func resize(_ capacity: Int, _ rehash: (Int32) -> Int) {
        let old = buckets
        buckets = Array(repeating: -1, count: capacity)
        let mask = capacity - 1
        for s in old where s >= 0 {
            var i = rehash(s) & mask
            while buckets[i] >= 0 { i = (i + 1) & mask }
            buckets[i] = s
        }
    }
}
