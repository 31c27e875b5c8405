// SystemdKit: remindd's thin layer over libsystemd. No C types in its API, and no
// knowledge of remindd.
//
// What it does:
// - ``Notifier``: sd_notify (READY=1, RELOADING=1 with MONOTONIC_USEC, STOPPING=1,
//   STATUS=, WATCHDOG=1, EXTEND_TIMEOUT_USEC=) and the watchdog interval.
// - ``JournalLogHandler``: a swift-log handler writing structured journal entries with
//   sd_journal_sendv, or `<N>`-prefixed lines on stderr when there is no journal
//   (``LogTarget``).
// - ``Credentials``: reads systemd credentials from $CREDENTIALS_DIRECTORY.
//
// What it does not touch: it reads environment variables but never changes them, opens
// no files except credentials (read-only), and starts no threads.
//
// How it fails: Notifier and Credentials throw ``SystemdError`` (a code, a message, the
// path and errno where there is one; never a credential's value). Without systemd the
// Notifier is a no-op. The log handler never throws: when the journal refuses an entry it
// writes the console line to stderr instead. Misuse (an empty or lower-case notify key, a
// line break in a notify value) is a precondition failure.
