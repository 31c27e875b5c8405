public import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

extension Process {
    /// Waits for the exit on a thread of its own. `waitUntilExit()` blocks its thread, and a
    /// test waiting so on Swift's cooperative pool (two threads on a two-core machine) holds
    /// back every other test's tasks, timers and waits for as long as the child runs.
    public func exited() async {
        await offPool { self.waitUntilExit() }
    }
}

/// Runs `work`, a blocking call (a `recv` waiting for a server in this process to close,
/// a child's exit), on a thread of its own and returns its result. Blocking on Swift's
/// cooperative pool instead (two threads on a two-core machine) can stall every other
/// test, and deadlock one whose server needs the pool to answer.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.name = "off-pool"
        thread.start()
    }
}

/// A finished command: its exit status and what it wrote.
public struct CommandOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` with `arguments` (every signal unblocked, stdin from /dev/null) and
/// returns its status and output once it exits, waiting off the cooperative pool
/// (``Foundation/Process/exited()``). Output goes to files, so a chatty child never
/// blocks on a full pipe. With `environment`, that is its whole environment; with
/// `mergeOutput`, stderr goes to stdout.
public func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, mergeOutput: Bool = false
) async throws -> CommandOutput {
    let directory = NSTemporaryDirectory() + "remindd-command-" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let outPath = directory + "/stdout", errPath = directory + "/stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = mergeOutput ? out : err
    do {
        try process.runWithSignalsUnblocked()
    } catch {
        try? out.close()
        try? err.close()
        throw error
    }
    try? out.close()
    try? err.close()
    await process.exited()
    let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return CommandOutput(status: process.terminationStatus, stdout: stdout, stderr: stderr)
}

/// What this process has used so far (`getrusage(RUSAGE_SELF)`), for the benchmarks.
public enum ResourceUsage {
    /// User plus system CPU time, in seconds.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The peak resident set size, in MB.
    public static func maxRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// A test server started as a child process: waits until it listens, or says why not.
public enum TestServer {
    /// Waits (at most `timeout`) until something accepts TCP connections on 127.0.0.1:`port`;
    /// throws, with `log()`'s last lines, if `process` exits first.
    public static func waitUntilListening(
        _ name: String, _ process: Process, port: Int, timeout: Duration = .seconds(30), log: () -> String = { "" }
    ) async throws {
        try await waitFor("\(name) to listen on 127.0.0.1:\(port)", timeout: timeout) {
            guard process.isRunning else {
                throw TestKannel.Failure(description: "\(name) exited with \(process.terminationStatus): \(log().suffix(2000))")
            }
            return TestKannel.accepts(port: port)
        }
    }

    /// SIGKILL and reap, for a deinit (which cannot wait asleep); the exit is at once.
    public static func kill(_ process: Process?) {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
