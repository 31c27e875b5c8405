// RemindTesting: fakes for unit tests beside the real components (never instead
// of them at the edges): a provider that records what it is given and fails on
// demand, and `writeExecutable` for tests that run gateway scripts. Linked by test
// targets only.
