import Testing

// Every test under these suites boots a systemd sandbox and runs the daemon in it. Each
// lane runs its tests one after the other and the two lanes run side by side, so at most
// two of these sandboxes are up at once (plus those of other suites): on a loaded 2-core
// machine more would slow everything, timing-sensitive unit tests included.

/// Start-up, reload, the journal and fatal signals.
@Suite(.serialized) struct SandboxLane1 {}

/// Watchdog, stop and template instances.
@Suite(.serialized) struct SandboxLane2 {}
