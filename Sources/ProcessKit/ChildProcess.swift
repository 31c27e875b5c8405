import Glibc
import Subprocess
import Synchronization
import SystemPackage

/// One run of an external command: an absolute path and exact arguments (no shell, no
/// `PATH` search), only the environment given here, working directory `/`, no inherited
/// descriptors beyond 0/1/2, a process group of its own, and a time limit.
///
/// ```swift
/// let child = ChildProcess(arguments: ["/usr/local/bin/send-sms", "--gateway", "main"],
///                          environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
///                          timeout: .seconds(30))
/// let outcome = try await child.run(input: Array("Hi Ann".utf8))
/// ```
///
/// When the limit passes the whole process group gets SIGTERM, and SIGKILL `killGrace`
/// later if its output is still open; the outcome then says ``Outcome/timedOut``.
public struct ChildProcess: Sendable {
    /// argv: the absolute path of the program, then its arguments.
    public var arguments: [String]
    /// The child's whole environment.
    public var environment: [String: String]
    /// How long the command may run before it is terminated.
    public var timeout: Duration
    /// How long after SIGTERM a command that is still running gets SIGKILL.
    public var killGrace: Duration
    /// At most this many bytes of the start of standard output are kept.
    public var outputLimit: Int
    /// At most this many bytes of the end of standard error are kept.
    public var errorLimit: Int

    /// - Precondition: `arguments` is not empty and its first element is an absolute path.
    public init(
        arguments: [String], environment: [String: String], timeout: Duration, killGrace: Duration = .seconds(5),
        outputLimit: Int = 4096, errorLimit: Int = 4096
    ) {
        precondition(arguments.first?.hasPrefix("/") == true, "a command is an absolute path")
        precondition(timeout > .zero && killGrace >= .zero && outputLimit >= 0 && errorLimit >= 0)
        self.arguments = arguments
        self.environment = environment
        self.timeout = timeout
        self.killGrace = killGrace
        self.outputLimit = outputLimit
        self.errorLimit = errorLimit
    }

    /// How a run ended.
    public struct Outcome: Sendable, Hashable {
        /// How the process ended.
        public enum Termination: Sendable, Hashable {
            /// It exited with this status (0…255).
            case exited(Int32)
            /// A signal ended it (its number).
            case signaled(Int32)
        }

        public var termination: Termination
        /// The time limit passed and the process group was sent SIGTERM (and maybe SIGKILL).
        public var timedOut: Bool
        /// The first ``ChildProcess/outputLimit`` bytes of standard output.
        public var standardOutput: [UInt8]
        /// The last ``ChildProcess/errorLimit`` bytes of standard error.
        public var standardError: [UInt8]

        public init(termination: Termination, timedOut: Bool, standardOutput: [UInt8], standardError: [UInt8]) {
            self.termination = termination
            self.timedOut = timedOut
            self.standardOutput = standardOutput
            self.standardError = standardError
        }
    }

    /// Starts the command, writes `input` to its standard input (then closes it), and
    /// returns once the command has ended and its output is closed.
    ///
    /// - Throws: ``ChildProcessError`` with ``ChildProcessError/Code/notStarted`` when the
    ///   command could not be started, ``ChildProcessError/Code/lost`` when it was started
    ///   and could not be followed to its end. A child that does not read its input is not
    ///   an error: the unread rest is dropped.
    public func run(input: [UInt8]) async throws(ChildProcessError) -> Outcome {
        _ = Self.ignoreBrokenPipes
        var options = PlatformOptions()
        options.processGroupID = 0  // its own group, so a timeout ends what it started too
        var environment: [Environment.Key: String] = [:]
        for (key, value) in self.environment {
            if let key = Environment.Key(rawValue: key) { environment[key] = value }
        }
        let configuration = Configuration(
            executable: .path(FilePath(arguments[0])), arguments: Arguments(Array(arguments.dropFirst())),
            environment: .custom(environment), workingDirectory: FilePath("/"), platformOptions: options)
        let flags = RunFlags()
        let timeout = self.timeout, killGrace = self.killGrace
        let outputLimit = self.outputLimit, errorLimit = self.errorLimit
        let result: ExecutionResult<Captured, SequenceOutput, SequenceOutput>
        do {
            result = try await Subprocess.run(configuration, input: .inputWriter, output: .sequence, error: .sequence) { execution in
                flags.started.store(true, ordering: .sequentiallyConsistent)
                return try await withThrowingTaskGroup(of: Part.self) { group in
                    group.addTask {
                        // EPIPE (the child did not read it all) is the child's business.
                        _ = try? await execution.standardInputWriter.write(input)
                        try? await execution.standardInputWriter.finish()
                        return .inputDone
                    }
                    group.addTask { .output(try await Self.head(execution.standardOutput, limit: outputLimit)) }
                    group.addTask { .error(try await Self.tail(execution.standardError, limit: errorLimit)) }
                    group.addTask {
                        try? await Task.sleep(for: timeout)
                        if Task.isCancelled { return .timerDone }
                        flags.timedOut.store(true, ordering: .sequentiallyConsistent)
                        try? execution.send(signal: .terminate, toProcessGroup: true)
                        try? await Task.sleep(for: killGrace)
                        if Task.isCancelled { return .timerDone }
                        try? execution.send(signal: .kill, toProcessGroup: true)
                        return .timerDone
                    }
                    var captured = Captured()
                    var open = 3  // input, output, error
                    while let part = try await group.next() {
                        switch part {
                        case .inputDone: open -= 1
                        case .output(let bytes): captured.output = bytes; open -= 1
                        case .error(let bytes): captured.error = bytes; open -= 1
                        case .timerDone: break
                        }
                        if open == 0 { group.cancelAll() }
                    }
                    return captured
                }
            }
        } catch {
            let what = "\(arguments[0]): \(error)"
            throw ChildProcessError(flags.started.load(ordering: .sequentiallyConsistent) ? .lost : .notStarted, what)
        }
        let termination: Outcome.Termination
        switch result.terminationStatus {
        case .exited(let code): termination = .exited(code)
        case .signaled(let signal): termination = .signaled(signal)
        }
        return Outcome(
            termination: termination, timedOut: flags.timedOut.load(ordering: .sequentiallyConsistent),
            standardOutput: result.closureResult.output, standardError: result.closureResult.error)
    }

    // MARK: Internals

    /// What the run's tasks share.
    private final class RunFlags: Sendable {
        let started = Atomic<Bool>(false)
        let timedOut = Atomic<Bool>(false)
    }

    private struct Captured: Sendable {
        var output: [UInt8] = []
        var error: [UInt8] = []
    }

    private enum Part: Sendable {
        case inputDone, timerDone
        case output([UInt8])
        case error([UInt8])
    }

    /// SIGPIPE ignored once per process: writing to a child that has exited must give EPIPE.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
        return ()
    }()

    /// Reads `sequence` to its end, keeping its first `limit` bytes.
    private static func head(_ sequence: SubprocessOutputSequence, limit: Int) async throws -> [UInt8] {
        var kept: [UInt8] = []
        for try await buffer in sequence where kept.count < limit {
            buffer.withUnsafeBytes { kept.append(contentsOf: $0.prefix(limit - kept.count)) }
        }
        return kept
    }

    /// Reads `sequence` to its end, keeping its last `limit` bytes.
    private static func tail(_ sequence: SubprocessOutputSequence, limit: Int) async throws -> [UInt8] {
        var kept: [UInt8] = []
        for try await buffer in sequence {
            buffer.withUnsafeBytes { kept.append(contentsOf: $0) }
            if kept.count > 2 * limit + 4096 { kept.removeFirst(kept.count - limit) }
        }
        return kept.count > limit ? Array(kept.suffix(limit)) : kept
    }
}
