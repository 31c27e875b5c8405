import ProcessKit
public import RemindCore

/// Hands each message to a command, as smstools3's `eventhandler` or a site's own
/// `send-sms` script: no shell, an exact argv, the text on standard input.
///
/// Per message the command gets:
/// - standard input: the text, UTF-8, byte for byte (no trailing newline added);
/// - environment: `REMINDD_RECIPIENT` (E.164 with `+`), `REMINDD_MESSAGE_ID`,
///   `REMINDD_ENCODING` (`gsm7` or `ucs2`), `REMINDD_SEGMENTS`, plus `PATH` and
///   `LANG=C.UTF-8`, nothing else (argv is world-readable in `/proc`; the environment is not);
/// - working directory `/`, descriptors 0, 1 and 2 only, a process group of its own.
///
/// Its answer:
/// | the command | result |
/// |---|---|
/// | exits 0 | accepted; stdout's first line (trimmed, at most 200 bytes) is the reference |
/// | exits with a code in `temporaryExitCodes` (default 75, EX_TEMPFAIL) | ``DeliveryError/Code/temporary`` |
/// | exits with any other code | ``DeliveryError/Code/permanent`` |
/// | is killed by a signal, runs past `timeout`, or vanishes mid-run | ``DeliveryError/Code/uncertain`` |
/// | cannot be started (missing, not executable) | ``DeliveryError/Code/temporary`` |
///
/// The reason of a failure is stderr's last line, at most 200 bytes, with anything that
/// looks like a phone number masked (``PhoneMask``). Over `timeout` the command's
/// process group gets SIGTERM, and SIGKILL 5 s later.
public struct CommandProvider: Provider {
    public let name = "command"
    /// The command: an absolute path, then its arguments.
    public let argv: [String]
    public let timeout: Duration
    /// Exit codes that mean "try again later".
    public let temporaryExitCodes: Set<Int32>
    /// How long after SIGTERM a command still running gets SIGKILL.
    public let killGrace: Duration

    /// The longest reference or reason kept, in bytes.
    public static let lineLimit = 200

    /// - Precondition: `argv[0]` is an absolute path and `timeout` is positive (the
    ///   configuration checks both).
    public init(argv: [String], timeout: Duration = .seconds(20), temporaryExitCodes: Set<Int32> = [75], killGrace: Duration = .seconds(5)) {
        precondition(argv.first?.hasPrefix("/") == true, "the command is an absolute path")
        precondition(timeout > .zero, "the command's timeout is positive")
        self.argv = argv
        self.timeout = timeout
        self.temporaryExitCodes = temporaryExitCodes
        self.killGrace = killGrace
    }

    /// The command's whole environment for `message`.
    public static func environment(for message: OutgoingMessage) -> [String: String] {
        var environment = ChildProcess.baseEnvironment
        environment["REMINDD_RECIPIENT"] = message.recipient
        environment["REMINDD_MESSAGE_ID"] = "\(message.id)"
        environment["REMINDD_ENCODING"] = message.encoding.name
        environment["REMINDD_SEGMENTS"] = "\(message.segments)"
        return environment
    }

    public func send(_ message: OutgoingMessage) async throws(DeliveryError) -> DeliveryResult {
        let child = ChildProcess(arguments: argv, environment: Self.environment(for: message), timeout: timeout, killGrace: killGrace)
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await child.run(input: Array(message.text.utf8))
        } catch {
            if error.code == .notStarted {
                throw DeliveryError(.temporary, "command \(argv[0]) cannot be started (\(Self.masked(error.message)))")
            }
            throw DeliveryError(.uncertain, "command \(argv[0]) vanished mid-run (\(Self.masked(error.message))); it may have sent the message")
        }
        let reason = Self.reason(outcome.standardError, message: message)
        let because = reason.isEmpty ? "" : ": " + reason
        if outcome.timedOut {
            throw DeliveryError(.uncertain, "command \(argv[0]) ran longer than \(timeout) and was killed; it may have sent the message\(because)")
        }
        switch outcome.termination {
        case .signaled(let signal):
            throw DeliveryError(.uncertain, "command \(argv[0]) was killed by signal \(signal); it may have sent the message\(because)")
        case .exited(0):
            let reference = Self.reference(outcome.standardOutput)
            return DeliveryResult(reference: Self.containsMessageData(reference, message) ? Self.withheld : reference)
        case .exited(let code) where temporaryExitCodes.contains(code):
            throw DeliveryError(.temporary, "command \(argv[0]) exited \(code)\(because)")
        case .exited(let code):
            throw DeliveryError(.permanent, "command \(argv[0]) exited \(code)\(because)")
        }
    }

    // MARK: Reading the answer

    /// The gateway reference: standard output's first line, trimmed, at most ``lineLimit`` bytes.
    static func reference(_ output: [UInt8]) -> String {
        let first = output.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        return clip(trim(String(decoding: first, as: UTF8.self)))
    }

    /// A failure's reason: standard error's last non-empty line, at most ``lineLimit``
    /// bytes, phone numbers masked.
    /// bytes, phone numbers masked; withheld whole when it holds the message's recipient
    /// or a piece of its text (a command that echoes what it was given).
    static func reason(_ error: [UInt8], message: OutgoingMessage? = nil) -> String {
        let lines = String(decoding: error, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        let last = lines.last { !trim(String($0)).isEmpty }.map { trim(String($0)) } ?? ""
        if let message, containsMessageData(last, message) { return withheld }
        return clip(masked(last))
    }

    /// What is logged instead of a command's output that holds message data.
    static let withheld = "(output withheld: contains message data)"

    /// Whether `line` holds the message's recipient (its last eight digits, however
    /// written) or any 16 characters of its text in a row.
    static func containsMessageData(_ line: String, _ message: OutgoingMessage) -> Bool {
        let number = message.recipient.filter(\.isNumber)
        if number.count >= 8, line.filter(\.isNumber).contains(number.suffix(8)) { return true }
        let text = Array(message.text)
        let window = 16
        guard text.count >= window else { return text.count >= 8 && line.contains(message.text) }
        var i = 0
        while i + window <= text.count {
            if line.contains(String(text[i..<(i + window)])) { return true }
            i += window / 2
        }
        return line.contains(String(text[(text.count - window)...]))
    }

    static func masked(_ text: String) -> String { PhoneMask.maskNumbers(in: text) }

    private static func trim(_ s: String) -> String {
        let blank: (Character) -> Bool = { $0.isWhitespace || $0.unicodeScalars.allSatisfy { $0.value < 0x20 } }
        guard let start = s.firstIndex(where: { !blank($0) }), let end = s.lastIndex(where: { !blank($0) }) else { return "" }
        return String(s[start...end])
    }

    /// At most ``lineLimit`` bytes of UTF-8, cut between characters.
    private static func clip(_ s: String) -> String {
        guard s.utf8.count > lineLimit else { return s }
        var out = ""
        var bytes = 0
        for ch in s {
            let n = ch.utf8.count
            if bytes + n > lineLimit { break }
            out.append(ch)
            bytes += n
        }
        return out
    }
}
