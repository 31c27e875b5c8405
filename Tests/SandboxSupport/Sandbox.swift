// SandboxSupport: a Swift harness over `../shared/tools/systemd-sandbox`, for tests that
// need the real systemd (Type=notify, STATUS=, watchdog, reload, stop, the journal).
//
// What it does: boots a private systemd (PID 1 of its own PID, mount and cgroup namespaces,
// volatile journal) with `up()`, copies unit files and drop-ins in with `install`, runs
// commands inside with `exec` (systemctl, journalctl, …), and tears it down with `down()`.
// `withSandbox { }` pairs `up` and `down` for you. It also finds built products
// (`.build/debug/remindd`) and makes scratch directories under `.build/` (the units under
// test use `PrivateTmp=`, which hides the host's /tmp and /var/tmp from them).
//
// What it does not touch: it never boots systemd any other way, never runs
// systemd-tmpfiles, and never writes outside the repository's `.build/` directory
// (the tool itself writes only into the sandbox's private /run).
//
// How it fails: every failure throws a ``SandboxError``; nothing is skipped. When the
// machine cannot boot a sandbox (the tool's exit status 3) `up()` throws
// ``SandboxError/Code/cannotBoot`` with the tool's explanation, and the test fails.
// Every command runs under coreutils `timeout`, so a hung `systemctl` fails the test
// instead of hanging the run.
import CLinux
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A running private systemd, booted by `../shared/tools/systemd-sandbox`.
///
/// ```swift
/// try await Sandbox.withSandbox { sandbox in
///     try await sandbox.install([unitPath])
///     try await sandbox.run(["systemctl", "start", "remindd.service"])
///     let status = try await sandbox.show("remindd.service", "StatusText")
/// }
/// ```
public struct Sandbox: Sendable {
    /// The directory the tool keeps its state in (pid files, console log).
    public let stateDirectory: String
    /// A directory of this sandbox's own under the repository's `.build/`, visible to
    /// services inside (the rest of the file system is the host's) and removed by `down()`.
    public let workDirectory: String
    /// The host PID of the sandbox's systemd.
    public let systemdPID: Int32

    // MARK: Locations

    /// The repository's root, found from this file's path.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Sandbox.swift, SandboxSupport, Tests
        return url.path
    }()

    /// `../shared/tools/systemd-sandbox` from the repository's root.
    public static var toolPath: String { repositoryRoot + "/../shared/tools/systemd-sandbox" }

    /// The directory of the built products (`.build/<triple>/debug`), derived from the
    /// running test executable's own path (`/proc/self/exe`).
    public static var productsDirectory: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe)
        url.deleteLastPathComponent()
        // On platforms where tests run from a bundle, step out of it.
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url.deleteLastPathComponent()
        }
        return url.path
    }

    /// The absolute path of a built product, for example `product("remindd")`.
    /// Throws ``SandboxError/Code/productMissing`` when it has not been built.
    public static func product(_ name: String) throws -> String {
        let path = productsDirectory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SandboxError(
                code: .productMissing,
                message: "\(path) is missing or not executable; build it first with `swift build --build-tests`")
        }
        return path
    }

    /// A fresh, empty directory under the repository's `.build/sandbox-scratch/`, named
    /// after `label`. Unlike /tmp it stays visible to services that run with `PrivateTmp=`.
    /// Permissions are 0755 so a service running as another user can traverse it.
    public static func scratchDirectory(_ label: String) throws -> String {
        let root = repositoryRoot + "/.build/sandbox-scratch"
        let safe = String(label.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        let path = root + "/" + safe + "-" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw SandboxError(code: .io, message: "cannot create scratch directory \(path): \(error)")
        }
        return path
    }

    // MARK: Life cycle

    /// Boots a sandbox. Throws ``SandboxError/Code/cannotBoot`` when this machine cannot boot
    /// one (the tool's exit status 3): the caller's test fails with that message; never skip.
    public static func up() async throws -> Sandbox {
        let work = try scratchDirectory("sandbox")
        let state = work + "/state"
        let result = try await runTool(["up", state], timeout: .seconds(60))
        guard result.status == 0 else {
            try? FileManager.default.removeItem(atPath: work)
            let code: SandboxError.Code = result.status == 3 ? .cannotBoot : .commandFailed
            throw SandboxError(
                code: code,
                message: "systemd-sandbox up failed (exit \(result.status))"
                    + (result.status == 3 ? ": this machine cannot boot a systemd sandbox" : "")
                    + ": \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let pid = Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let sandbox = Sandbox(stateDirectory: state, workDirectory: work, systemdPID: 0)
            sandbox.down()
            throw SandboxError(code: .commandFailed, message: "systemd-sandbox up printed no PID: \(result.stdout)")
        }
        let sandbox = Sandbox(stateDirectory: state, workDirectory: work, systemdPID: pid)
        // The tool makes / private inside the sandbox, so systemd's per-unit credential
        // mounts (built in a child namespace, then moved to /run/credentials/UNIT) never
        // propagate back and $CREDENTIALS_DIRECTORY stays empty. Making the sandbox's own
        // /run tmpfs shared fixes that; the host is not a peer of it, so nothing leaks out.
        do {
            try await sandbox.run(["mount", "--make-rshared", "/run"])
        } catch {
            sandbox.down()
            throw error
        }
        return sandbox
    }

    /// Boots a sandbox, runs `body` with it, and always tears it down, also when `body` throws.
    public static func withSandbox<T: Sendable>(
        _ body: (Sandbox) async throws -> T
    ) async throws -> T {
        let sandbox = try await up()
        defer { sandbox.down() }
        return try await body(sandbox)
    }

    /// Kills the sandbox, removes its cgroups and its work directory. Synchronous and
    /// never throws, so it fits a `defer`. Calling it twice is harmless.
    public func down() {
        if let pid = try? Self.spawn([Self.toolPath, "down", stateDirectory], stdout: nil, stderr: nil) {
            _ = Self.waitForExit(pid)
        }
        try? FileManager.default.removeItem(atPath: workDirectory)
    }

    // MARK: Commands

    /// Copies unit files and drop-in directories (`NAME.d/`) into the sandbox's
    /// `/run/systemd/system` and reloads systemd.
    public func install(_ paths: [String]) async throws {
        let result = try await Self.runTool(["install", stateDirectory] + paths, timeout: .seconds(60))
        guard result.status == 0 else {
            throw SandboxError(
                code: .commandFailed,
                message: "systemd-sandbox install \(paths) failed (exit \(result.status)): \(result.stderr)")
        }
    }

    /// Writes `contents` as the drop-in `<unit>.d/<name>` (for example `test.conf`) and
    /// installs it.
    public func installDropIn(for unit: String, name: String, contents: String) async throws {
        let directory = workDirectory + "/dropins/" + unit + ".d"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try contents.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        } catch {
            throw SandboxError(code: .io, message: "cannot write drop-in \(directory)/\(name): \(error)")
        }
        try await install([directory])
    }

    /// Runs `args` inside the sandbox (in its PID, mount and cgroup namespaces) and returns
    /// its exit status and output. A non-zero status is returned, not thrown; a command that
    /// runs longer than `timeout` is killed and throws ``SandboxError/Code/timedOut``.
    public func exec(
        _ args: [String], timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        precondition(!args.isEmpty, "exec needs a command")
        return try await Self.runTool(["exec", stateDirectory] + args, timeout: timeout)
    }

    /// Like ``exec(_:timeout:)`` but throws ``SandboxError/Code/commandFailed`` (with the
    /// command's stderr) unless it exits 0; returns its stdout.
    @discardableResult
    public func run(_ args: [String], timeout: Duration = .seconds(60)) async throws -> String {
        let result = try await exec(args, timeout: timeout)
        guard result.status == 0 else {
            throw SandboxError(
                code: .commandFailed,
                message: "`\(args.joined(separator: " "))` exited \(result.status): "
                    + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.stdout
    }

    /// One property of a unit, as `systemctl show -p PROPERTY --value UNIT` prints it
    /// (for example `show("remindd.service", "StatusText")`).
    public func show(_ unit: String, _ property: String) async throws -> String {
        let out = try await run(["systemctl", "show", "-p", property, "--value", unit])
        return out.hasSuffix("\n") ? String(out.dropLast()) : out
    }

    /// The journal entries of `unit` (`journalctl -u UNIT -o json --all`), after asking
    /// journald to write out what it has queued (`journalctl --sync`), oldest first.
    /// `matches` are extra journalctl arguments, for example `["MESSAGE_ID=…"]`.
    ///
    /// Values are strings. A binary field (journalctl prints it as an array of byte values)
    /// is decoded as UTF-8; a field that occurs several times in one entry (an array of
    /// values) has its values joined with a newline.
    public func journalJSON(_ unit: String, _ matches: [String] = []) async throws -> [[String: String]] {
        try await run(["journalctl", "--sync"])
        return try await journalJSON(matching: ["-u", unit] + matches)
    }

    /// All journal entries that match `matches` (journalctl arguments such as
    /// `SYSLOG_IDENTIFIER=remindd`), as ``journalJSON(_:_:)`` returns them. Use it for
    /// entries of a process that exited right after logging: journald may not manage to
    /// attribute those to their unit.
    public func journalJSON(matching matches: [String]) async throws -> [[String: String]] {
        try await run(["journalctl", "--sync"])
        let out = try await run(["journalctl", "-o", "json", "--all", "--no-pager"] + matches)
        return try Self.parseJournalJSON(out)
    }

    /// Runs `argv` on the host (not in the sandbox), with `environment` as its whole
    /// environment when given, and returns its exit status and output. For test helpers
    /// that must run outside systemd.
    public static func runOnHost(
        _ argv: [String], environment: [String: String]? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        precondition(!argv.isEmpty, "runOnHost needs a command")
        let outputs = try scratchDirectory("host")
        defer { try? FileManager.default.removeItem(atPath: outputs) }
        let outPath = outputs + "/stdout", errPath = outputs + "/stderr"
        var command = argv
        if let environment {
            command = ["/usr/bin/env", "-i"] + environment.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value } + argv
        }
        let pid = try spawn(command, stdout: outPath, stderr: errPath)
        let status: Int32 = await withCheckedContinuation { continuation in
            let waiter = Thread { continuation.resume(returning: waitForExit(pid)) }
            waiter.name = "sandbox-wait"
            waiter.start()
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (status, stdout, stderr)
    }

    /// Parses `journalctl -o json` output (one JSON object per line) into string values
    /// (see ``journalJSON(_:_:)`` for binary and repeated fields).
    public static func parseJournalJSON(_ text: String) throws -> [[String: String]] {
        var entries: [[String: String]] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw SandboxError(code: .badOutput, message: "journalctl printed a line that is not a JSON object: \(line)")
            }
            var entry: [String: String] = [:]
            for (key, value) in object {
                entry[key] = decodeJournalValue(value)
            }
            entries.append(entry)
        }
        return entries
    }

    private static func decodeJournalValue(_ value: Any) -> String {
        switch value {
        case let string as String:
            return string
        case let number as NSNumber:
            return number.stringValue
        case let array as [Any]:
            if let bytes = array as? [NSNumber], !bytes.isEmpty, bytes.allSatisfy({ (0...255).contains($0.intValue) }),
                !array.contains(where: { $0 is String })
            {
                return String(decoding: bytes.map { UInt8($0.intValue) }, as: UTF8.self)
            }
            return array.map(decodeJournalValue).joined(separator: "\n")
        default:
            return ""  // null: journalctl left out a value it considered too large
        }
    }

    // MARK: Waiting

    /// Polls `condition` every `interval` until it returns true; throws
    /// ``SandboxError/Code/timedOut`` (with `what` in the message) after `timeout`.
    public static func waitUntil(
        _ what: String = "condition",
        timeout: Duration = .seconds(60),
        interval: Duration = .milliseconds(50),
        _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if try await condition() { return }
            if clock.now >= deadline {
                throw SandboxError(code: .timedOut, message: "\(what) did not become true within \(timeout)")
            }
            try await clock.sleep(for: interval)
        }
    }

    /// The instance form of ``waitUntil(_:timeout:interval:_:)``.
    public func waitUntil(
        _ what: String = "condition",
        timeout: Duration = .seconds(60),
        interval: Duration = .milliseconds(50),
        _ condition: () async throws -> Bool
    ) async throws {
        try await Self.waitUntil(what, timeout: timeout, interval: interval, condition)
    }

    // MARK: Running the tool

    /// Runs the tool under coreutils `timeout`, output into files (no pipe to fill),
    /// awaiting its exit on a thread of its own (never blocking the cooperative pool).
    private static func runTool(
        _ args: [String], timeout: Duration
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let seconds = max(1, timeout.components.seconds + (timeout.components.attoseconds > 0 ? 1 : 0))
        let outputs = try scratchDirectory("exec")
        defer { try? FileManager.default.removeItem(atPath: outputs) }
        let outPath = outputs + "/stdout", errPath = outputs + "/stderr"
        let pid = try spawn(
            ["/usr/bin/timeout", "--kill-after=5", String(seconds), toolPath] + args,
            stdout: outPath, stderr: errPath)
        let status: Int32 = await withCheckedContinuation { continuation in
            let waiter = Thread { continuation.resume(returning: waitForExit(pid)) }
            waiter.name = "sandbox-wait"
            waiter.start()
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        if status == 124 || status == 137 {
            throw SandboxError(
                code: .timedOut,
                message: "systemd-sandbox \(args.joined(separator: " ")) ran longer than \(seconds) s; stderr: \(stderr)")
        }
        return (status, stdout, stderr)
    }

    /// Starts `argv` (searched in `$PATH`) with stdin from /dev/null, stdout and stderr into files (or /dev/null),
    /// default signal handling and an empty signal mask (the test runner's must not leak
    /// into the sandbox's processes). Foundation's `Process` is not used: on this toolchain
    /// its termination handler did not always fire, leaving the test hanging.
    static func spawn(_ argv: [String], stdout: String?, stderr: String?) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else is inherited. Foundation's Process learns a child's exit from EOF on a
        // socket pair whose child end is open (not close-on-exec) while it spawns; a sandbox
        // command spawned in that moment would keep the end open, and the other test's
        // child would stay "running", a zombie, until this command ended.
        let closed = clinux_spawn_actions_closefrom(&actions, 3)
        guard closed == 0 else {
            throw SandboxError(code: .commandFailed, message: "cannot set up \(argv[0])'s spawn: \(String(cString: strerror(closed)))")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, environ)
        guard result == 0 else {
            throw SandboxError(
                code: .commandFailed, message: "cannot start \(argv[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for `pid` (blocking) and returns its exit status, or 128 + the signal that
    /// killed it, as a shell reports it.
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
