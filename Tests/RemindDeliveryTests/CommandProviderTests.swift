import Foundation
import RemindCore
import RemindDelivery
import RemindTesting
import Testing

/// A scratch directory with `#!/bin/sh` gateways in it: real fork/exec, pipes and signals.
struct Gateways {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "remindd-command-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    /// Writes an executable script `name` with `body` after the `#!/bin/sh` line; `@DIR@` is `dir`.
    func script(_ name: String, _ body: String) throws -> String {
        let path = dir + "/" + name
        try writeExecutable("#!/bin/sh\n" + body.replacingOccurrences(of: "@DIR@", with: dir) + "\n", to: path)
        return path
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: dir + "/" + name, encoding: .utf8) }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}

@Suite struct CommandProviderTests {
    static let message = OutgoingMessage(
        id: MessageID(rawValue: 0x1F2E), recipient: "+61412345678", text: "Hi Zoë, see you Tue 9:30.\nReply STOP to opt out.", encoding: .ucs2,
        segments: 2)

    func send(_ provider: CommandProvider, _ message: OutgoingMessage = Self.message) async -> Result<DeliveryResult, DeliveryError> {
        do { return .success(try await provider.send(message)) } catch { return .failure(error) }
    }

    @Test func stdinCarriesTheTextByteForByte() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "cat > @DIR@/stdin")
        var message = Self.message
        message.text = "Grüße 😀 “quoted” – dash\nline two\r\nno newline at the end"
        let result = await send(CommandProvider(argv: [path]), message)
        #expect(throws: Never.self) { try result.get() }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: g.dir + "/stdin"))
        #expect(Array(bytes) == Array(message.text.utf8))
    }

    @Test func theEnvironmentCarriesTheFourValuesAndNothingOfTheParent() async throws {
        let g = try Gateways()
        defer { g.remove() }
        setenv("REMINDD_TEST_PARENT_MARKER", "leaked", 1)
        let path = try g.script("gw", "exec /usr/bin/env > @DIR@/env")
        _ = try await CommandProvider(argv: [path]).send(Self.message)
        let lines = Set(try g.read("env").split(separator: "\n").map(String.init))
        let expected: Set<String> = [
            "REMINDD_RECIPIENT=+61412345678", "REMINDD_MESSAGE_ID=0000000000001F2E", "REMINDD_ENCODING=ucs2", "REMINDD_SEGMENTS=2",
            "LANG=C.UTF-8", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ]
        // sh itself may export PWD (it is `/`); nothing else may appear.
        #expect(lines.subtracting(["PWD=/"]) == expected)
        #expect(!lines.contains { $0.contains("REMINDD_TEST_PARENT_MARKER") || $0.contains("leaked") })
    }

    @Test func argvIsExactWithNoShellAndTheWorkingDirectoryIsRoot() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "pwd > @DIR@/pwd\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done > @DIR@/argv")
        let args = ["--gateway", "main office", "$HOME", "*", "a;b", ""]
        _ = try await CommandProvider(argv: [path] + args).send(Self.message)
        #expect(try g.read("argv") == args.map { "[\($0)]\n" }.joined())
        #expect(try g.read("pwd") == "/\n")
    }

    @Test func exitZeroIsAcceptedWithStdoutsFirstLineAsTheReference() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "cat > /dev/null\necho '  GW-4711 queued  '\necho 'second line'\necho noise >&2")
        let result = try await CommandProvider(argv: [path]).send(Self.message)
        #expect(result.reference == "GW-4711 queued")
    }

    @Test func aLongReferenceIsCutTo200Bytes() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "printf 'ü%.0s' $(seq 1 300)")
        let result = try await CommandProvider(argv: [path]).send(Self.message)
        #expect(result.reference == String(repeating: "ü", count: 100))
    }

    @Test(arguments: [(75, DeliveryError.Code.temporary), (1, .permanent), (2, .permanent), (69, .permanent)])
    func exitCodesAreMapped(code: Int, expected: DeliveryError.Code) async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "echo 'first line' >&2\necho 'gateway says no' >&2\nexit \(code)")
        let result = await send(CommandProvider(argv: [path]))
        guard case .failure(let error) = result else { Issue.record("accepted"); return }
        #expect(error.code == expected)
        #expect(error.message.hasSuffix("exited \(code): gateway says no"), "\(error.message)")
    }

    @Test func temporaryExitCodesAreConfigurable() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "exit 3")
        guard case .failure(let error) = await send(CommandProvider(argv: [path], temporaryExitCodes: [3, 75])) else {
            Issue.record("accepted")
            return
        }
        #expect(error.code == .temporary)
    }

    @Test func theReasonHasPhoneNumbersMaskedHoweverWritten() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "echo \"refused: 0428.904.234, (0429) 904 235, +61(430)904236, 0431_904237, code 42\" >&2\nexit 1")
        guard case .failure(let error) = await send(CommandProvider(argv: [path])) else { Issue.record("accepted"); return }
        #expect(error.code == .permanent)
        #expect(error.message.contains("refused: 042*****34, 042*****35, +614******36, 043*****37, code 42"), "\(error.message)")
    }

    /// A command that echoes what it was given (the recipient, the text) has that output
    /// withheld from the reason, however the number is written.
    @Test(arguments: [
        "echo \"refused for $REMINDD_RECIPIENT\" >&2",
        "echo \"refused for 0412 345 678 (code 42)\" >&2",
        "echo \"bad text: $(head -c 40 | tr '\\n' ' ')\" >&2",
    ])
    func outputWithTheMessagesDataIsWithheld(line: String) async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", line + "\nexit 1")
        guard case .failure(let error) = await send(CommandProvider(argv: [path])) else { Issue.record("accepted"); return }
        #expect(error.message.hasSuffix(": (output withheld: contains message data)"), "\(error.message)")
        #expect(!error.message.contains("Zoë") && !error.message.contains("345 678") && !error.message.contains("412345678"))
    }

    @Test func killedBySIGKILLIsUncertain() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "cat > /dev/null\nkill -9 $$")
        guard case .failure(let error) = await send(CommandProvider(argv: [path])) else { Issue.record("accepted"); return }
        #expect(error.code == .uncertain)
        #expect(error.message.contains("signal 9"), "\(error.message)")
    }

    @Test func runningPastTheTimeoutIsKilledAndUncertain() async throws {
        let g = try Gateways()
        defer { g.remove() }
        // `sleep` holds stdout open: only a kill of the whole process group ends the run early.
        let path = try g.script("gw", "echo $$ > @DIR@/pid\nsleep 60\necho done > @DIR@/finished")
        let clock = ContinuousClock()
        let start = clock.now
        let result = await send(CommandProvider(argv: [path], timeout: .seconds(1)))
        #expect(clock.now - start < .seconds(40), "the command was not killed")
        guard case .failure(let error) = result else { Issue.record("accepted"); return }
        #expect(error.code == .uncertain)
        #expect(error.message.contains("ran longer than"), "\(error.message)")
        let pid = try #require(Int32(try g.read("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the command is still running")
        #expect(!FileManager.default.fileExists(atPath: g.dir + "/finished"))
    }

    @Test func aCommandIgnoringSIGTERMGetsSIGKILL() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "trap '' TERM\nsleep 60")
        let clock = ContinuousClock()
        let start = clock.now
        let result = await send(CommandProvider(argv: [path], timeout: .seconds(1), killGrace: .seconds(1)))
        #expect(clock.now - start < .seconds(40), "the command was not killed")
        guard case .failure(let error) = result else { Issue.record("accepted"); return }
        #expect(error.code == .uncertain)
    }

    @Test func aMissingCommandIsTemporary() async throws {
        let result = await send(CommandProvider(argv: ["/nonexistent/remindd/send-sms"]))
        guard case .failure(let error) = result else { Issue.record("accepted"); return }
        #expect(error.code == .temporary)
        #expect(error.message.contains("/nonexistent/remindd/send-sms cannot be started"), "\(error.message)")
    }

    @Test func aCommandThatIsNotExecutableIsTemporary() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "exit 0")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        guard case .failure(let error) = await send(CommandProvider(argv: [path])) else { Issue.record("accepted"); return }
        #expect(error.code == .temporary)
    }

    @Test func aCommandThatDoesNotReadItsInputStillCounts() async throws {
        let g = try Gateways()
        defer { g.remove() }
        let path = try g.script("gw", "exit 0")
        var message = Self.message
        message.text = String(repeating: "x", count: 200_000)  // more than a pipe holds
        let result = await send(CommandProvider(argv: [path]), message)
        #expect(throws: Never.self) { try result.get() }
    }
}
