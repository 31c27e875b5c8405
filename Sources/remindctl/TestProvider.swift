import ArgumentParser
import FileSystemKit
import Foundation
import ProcessKit
import RemindConfig
import RemindCore

/// `remindctl test-provider`: checks the configured provider without sending a message.
///
/// It runs as the invoking user, not as the service user under the unit's sandboxing, so
/// an OK here says the provider works, not that remindd's unit may reach it. Nothing it
/// prints carries a phone number in full or an argument of the command (one may be a secret).
struct TestProvider: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-provider",
        abstract: "Check the configured provider without sending a message.",
        discussion: """
            outbox: the directory exists and a probe file can be created, flushed to disk and removed there. \
            command: runs test_argv (when set) as remindd runs a send, with no shell, a minimal environment \
            and the provider's timeout, prints the first lines of its output and its exit status; without \
            test_argv it checks that the command is executable and runs nothing. Runs as the invoking user. \
            Exit status: 0 OK, 69 the provider failed the check, 78 bad configuration.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "smpp, kannel, http: the directory the unit loads credentials from (LoadCredential=remindd:DIR).")
    var credentials: String = "/etc/remindd/credentials"

    /// The most lines of the test command's standard output shown.
    static let shownLines = 20

    func run() async throws {
        let config = try global.loadConfiguration()
        let ok: Bool
        switch config.provider {
        case .outbox(let directory):
            ok = Self.checkOutbox(directory)
        case .command(let command):
            ok = await Self.checkCommand(command)
        case .smpp, .http:
            // remindctl links no gateway code (SMPP, HTTP): remindd --test-provider checks
            // the gateway, given the unit's credentials directory (never the secret in argv).
            let code = Self.runRemindd(configPath: global.config, credentials: credentials)
            if code == 78 { throw ExitCode(78) }
            ok = code == 0
        }
        if !ok { throw ExitCode(69) }
    }

    /// Runs `remindd --test-provider --config PATH` (remindd beside remindctl, else
    /// /usr/sbin/remindd) with this process's standard output; returns its exit status.
    ///
    /// The password reaches it as it reaches the daemon, as a systemd credential, never in
    /// argv or the environment: with `$CREDENTIALS_DIRECTORY` set (remindctl run with
    /// `LoadCredential=`) remindd inherits it; otherwise remindd gets the directory the
    /// unit loads (`LoadCredential=remindd:DIR`) as its credentials directory and looks the
    /// credential up there by the daemon's own rule (the files are root's: run it as root).
    static func runRemindd(configPath: String, credentials: String) -> Int32 {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("remindd").path
        let remindd = FileManager.default.isExecutableFile(atPath: beside) ? beside : "/usr/sbin/remindd"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: remindd)
        process.arguments = ["--test-provider", "--config", configPath]
        var environment = ProcessInfo.processInfo.environment
        if environment["CREDENTIALS_DIRECTORY"] == nil {
            print("credentials from \(credentials) (as the unit's LoadCredential=remindd:\(credentials))")
            environment["CREDENTIALS_DIRECTORY"] = credentials
        }
        process.environment = environment
        do { try process.run() } catch {
            print("FAILED: cannot run \(remindd) --test-provider: \(error)")
            return 69
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func checkOutbox(_ directory: String) -> Bool {
        print("provider outbox \(directory)")
        let probe = directory + "/.remindd-test-provider-\(getpid())"
        do {
            guard let status = try FileOperations.fileStatus(directory), status.kind == .directory else {
                print("FAILED: \(directory) does not exist or is not a directory (remindd creates it at start)")
                return false
            }
            try FileOperations.createFile(at: probe, contents: Array("remindd test-provider probe\n".utf8), mode: 0o600, synchronize: true)
            try FileOperations.removeFile(probe)
            try FileOperations.synchronizeDirectory(directory)
        } catch {
            try? FileOperations.removeFile(probe)
            print("FAILED: \(error)")
            return false
        }
        print("OK: a probe file was created, flushed to disk and removed in \(directory) (as uid \(getuid()))")
        return true
    }

    static func checkCommand(_ command: Configuration.CommandSettings) async -> Bool {
        print("provider command \(command.argv[0]) (\(command.argv.count - 1) arguments, timeout \(DurationText.format(command.timeout)))")
        if let problem = ChildProcess.executableProblem(command.argv[0]) {
            print("FAILED: provider.argv[0]: \(problem)")
            return false
        }
        guard let testArgv = command.testArgv else {
            print("OK: \(command.argv[0]) is executable by uid \(getuid()); nothing was run (set test_argv to run a check)")
            return true
        }
        print("running test_argv: \(testArgv[0]) (\(testArgv.count - 1) arguments)")
        let child = ChildProcess(arguments: testArgv, environment: ChildProcess.baseEnvironment, timeout: command.timeout, outputLimit: 16 << 10)
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await child.run(input: [])
        } catch {
            print("FAILED: \(PhoneMask.maskNumbers(in: error.message))")
            return false
        }
        var lines = String(decoding: outcome.standardOutput, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines.prefix(shownLines) {
            print("  | " + PhoneMask.maskNumbers(in: String(line)))
        }
        if lines.count > shownLines { print("  | … (\(lines.count - shownLines) more lines)") }
        let reason = String(decoding: outcome.standardError, as: UTF8.self).split(separator: "\n").last.map {
            ": " + PhoneMask.maskNumbers(in: String($0).trimmingCharacters(in: .whitespaces))
        } ?? ""
        if outcome.timedOut {
            print("FAILED: ran longer than \(DurationText.format(command.timeout)) and was killed\(reason)")
            return false
        }
        switch outcome.termination {
        case .exited(0):
            print("OK: exit 0")
            return true
        case .exited(let code):
            print("FAILED: exit \(code)\(reason)")
            return false
        case .signaled(let signal):
            print("FAILED: killed by signal \(signal)\(reason)")
            return false
        }
    }
}
