#if canImport(Glibc)
import Glibc
#endif

/// Named steps of ingest and delivery where a debug build can be told to die, so tests
/// can prove that a crash at any of them loses and duplicates nothing.
///
/// In a debug build, `REMINDD_CRASH_AT=<name>` (or `<name>:<n>`, the n-th time the step
/// is reached) makes the process call `abort()` at that step. Release builds compile
/// ``hit(_:)`` to nothing and never read the variable.
public enum CrashPoint {
    /// Every named step, in the order a message meets them.
    public static let all = [
        "claim.after-rename",         // input renamed into incoming/, directories not yet fsync'd
        "commit.after-batch-write",   // batch written into tmp/, withdrawals not yet made
        "commit.after-sync",          // batch (and withdrawn messages' own files) durable, batch still in tmp/
        "commit.after-batch-rename",  // batch renamed into queued/, queued/ not yet fsync'd
        "commit.before-archive",      // batch durable in queued/, input still in incoming/
        "commit.after-archive",       // input renamed into archive/, directories not yet fsync'd
        "ingest.after-piece",         // one piece of a large input committed and scheduled, the rest not yet read
        "release.after-active",       // message durable in active/, provider not yet called
        "release.after-handover",     // the provider has it, `sent` not yet recorded
        "leave.after-own-file",       // a batch member's own file durable in its new state, not yet in the batch's .left log
        "transition.after-rename",    // own file renamed into the new state, event line not yet appended
    ]

    #if DEBUG
    private static let target: (name: String, count: Int)? = {
        guard let raw = getenv("REMINDD_CRASH_AT") else { return nil }
        let text = String(cString: raw)
        let parts = text.split(separator: ":", maxSplits: 1)
        guard let name = parts.first else { return nil }
        return (String(name), parts.count == 2 ? Int(parts[1]) ?? 1 : 1)
    }()
    nonisolated(unsafe) private static var hits = 0
    #endif

    /// Aborts the process if `REMINDD_CRASH_AT` names this step (debug builds only).
    /// Call it only from the spool's I/O thread or the engine (one at a time).
    @inline(__always)
    public static func hit(_ name: StaticString) {
        #if DEBUG
        guard let target, target.name == "\(name)" else { return }
        hits += 1
        if hits >= target.count {
            let line = "remindd: REMINDD_CRASH_AT=\(target.name): aborting\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            abort()
        }
        #endif
    }
}
