// RemindTesting: fakes for unit tests beside the real components (never instead
// of them at the edges): a provider that records what it is given and fails on
// demand (`RecordingProvider`), a gateway that holds hand-overs until the test
// answers them and emits receipts, replies and link states (`FakeGateway`), a
// manual wall clock and sleeper that only move when the test moves them
// (`ManualClock`), and `writeExecutable` for tests that run gateway scripts.
// Linked by test targets only.
