/// A failure of the systemd sandbox harness: the sandbox could not boot, a command inside
/// failed or ran too long, a condition never became true, or a built product is missing.
public struct SandboxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable value to compare against.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case cannotBoot, commandFailed, timedOut, productMissing, badOutput, io
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// This machine cannot boot a sandbox (the tool's exit status 3): a test must fail.
        public static let cannotBoot = Code(.cannotBoot)
        /// A command (the tool itself or one run inside) exited with a failure.
        public static let commandFailed = Code(.commandFailed)
        /// A command or a waited-for condition took longer than its limit.
        public static let timedOut = Code(.timedOut)
        /// A built product (`.build/debug/NAME`) is missing.
        public static let productMissing = Code(.productMissing)
        /// A command printed something the harness cannot parse.
        public static let badOutput = Code(.badOutput)
        /// The harness could not create or write a file of its own.
        public static let io = Code(.io)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// What happened, with the command and its stderr where there is one.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SandboxError(\(code)): \(message)" }
}
