// journal-probe: a tiny process SystemdKitTests runs under the sandbox's real systemd to
// prove SystemdKit end to end. Not installed, not part of remindd.
//
// It logs a fixed set of entries through JournalLogHandler (every level, mapped metadata
// keys, a multi-line message), reads the credential `probe-secret` (logging only its
// length), sends STATUS= and READY=1, then waits: SIGHUP → RELOADING=1 … READY=1,
// SIGTERM → STOPPING=1 and exit 0 (`--exit-after-ready`: exit 0 after READY=1). It touches no files. It exits 1 when a notification
// fails.
import Logging
import SystemdKit
#if canImport(Glibc)
import Glibc
#endif

let target = JournalLogHandler.bootstrap(identifier: "journal-probe", target: .auto, level: .trace)
let logger = Logger(label: "probe")
let notifier = Notifier()

@MainActor func notify(_ body: () throws -> Bool) {
    do { _ = try body() } catch {
        logger.error("notification failed", metadata: ["error": "\(error)"])
        exit(1)
    }
}

// Block the signals we wait for before anything can send them.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGHUP)
sigaddset(&signals, SIGTERM)
sigprocmask(SIG_BLOCK, &signals, nil)

let watchdog = Notifier.watchdogInterval().map { "\($0.components.seconds * 1_000_000 + $0.components.attoseconds / 1_000_000_000_000)" }
let secretLength: String
do { secretLength = String(try Credentials().string("probe-secret").utf8.count) } catch { secretLength = "\(error)" }

logger.info(
    "probe started",
    metadata: [
        "message_id": "0f6e52b1a6f44b7fa3a1f0c2b4d5e6f7",
        "spool_id": "00000000000ABCDE",
        "inbox_file": "export 2024.csv",
        "9lives": "cat",
        "odd.key-name": "dotted",
        "message": "collides",
        "journal_target": "\(target)",
        "watchdog_interval_us": "\(watchdog ?? "none")",
        "credential_length": "\(secretLength)",
    ])
logger.warning("line one\nline two", metadata: ["message_id": "1a2b3c4d5e6f40718293a4b5c6d7e8f9"])
for level in Logger.Level.allCases {
    logger.log(level: level, "level probe", metadata: ["probe_level": "\(level)"])
}
notify { try notifier.status("probing: entries written") }
notify { try notifier.ready() }
if CommandLine.arguments.contains("--exit-after-ready") { exit(0) }

while true {
    var received: Int32 = 0
    guard sigwait(&signals, &received) == 0 else { continue }
    if received == SIGHUP {
        notify { try notifier.reloading() }
        logger.info("reloading", metadata: ["message_id": "2b3c4d5e6f7a40819203a4b5c6d7e8f9"])
        notify { try notifier.extendTimeout(.seconds(5)) }
        notify { try notifier.status("reloaded") }
        notify { try notifier.ready() }
if CommandLine.arguments.contains("--exit-after-ready") { exit(0) }
    } else {
        notify { try notifier.stopping() }
        logger.notice("stopping", metadata: ["message_id": "3c4d5e6f7a8b40919203a4b5c6d7e8f9"])
        exit(0)
    }
}
