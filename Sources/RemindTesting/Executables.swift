public import Foundation

/// Writes an executable file (mode 0755) through a child process (`/bin/sh -c 'cat > FILE'`),
/// so this process never holds it open for writing: a test spawning a command at that
/// moment in another thread would otherwise carry the descriptor into its child until its
/// exec, and running the file then fails with ETXTBSY ("Text file busy").
public func writeExecutable(_ contents: String, to path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh", path]
    let input = Pipe()
    process.standardInput = input
    try process.run()
    input.fileHandleForWriting.write(Data(contents.utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
}

extension Process {
    /// `run()` with every signal unblocked in the child. Foundation's `Process` spawns with
    /// the calling thread's signal mask, and in a test process libdispatch's signal sources
    /// leave SIGTERM, SIGINT and SIGHUP blocked in its threads: a child started with plain
    /// `run()` never sees the SIGTERM a test sends it to stop it gracefully. The mask is
    /// cleared on this thread only for the spawn (`run()` spawns synchronously).
    public func runWithSignalsUnblocked() throws {
        var all = sigset_t()
        var previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_UNBLOCK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try run()
    }
}
