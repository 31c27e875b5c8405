import Foundation
import RemindCore
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// The command provider under the real systemd: remindd, as the unit runs it (its
    /// hardening included), hands a message to a `#!/bin/sh` gateway that keeps what it got.
    @Suite struct CommandProviderTests {
        /// The gateway: keeps stdin, the recipient and its environment per message id; with
        /// `--check` it reports a balance, with `--fail` it refuses with a number in its error.
        static let gateway = """
            #!/bin/sh
            case "$1" in
            --check) echo "gateway reachable"; echo "balance 42.50"; exit 0 ;;
            --fail) echo "starting" >&2; echo "login rejected for 0412 345 678" >&2; exit 2 ;;
            esac
            cat > "@ROOT@/received/$REMINDD_MESSAGE_ID.text"
            printf '%s' "$REMINDD_RECIPIENT" > "@ROOT@/received/$REMINDD_MESSAGE_ID.to"
            env > "@ROOT@/received/$REMINDD_MESSAGE_ID.env"
            echo "GW-$REMINDD_MESSAGE_ID"
            """

        static func provider(_ script: String, test: String) -> String {
            """

            [provider]
            type = "command"
            argv = ["\(script)", "--gateway", "main"]
            timeout = "30s"
            test_argv = ["\(script)", "\(test)"]

            """
        }

        @Test func theCommandGetsTheTextOnStdinAndTheNumberInItsEnvironment() async throws {
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                let script = h.root + "/send-sms"
                try FileManager.default.createDirectory(atPath: h.root + "/received", withIntermediateDirectories: true)
                try Self.gateway.replacingOccurrences(of: "@ROOT@", with: h.root).write(toFile: script, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
                let config = try String(contentsOfFile: h.config, encoding: .utf8)
                try (config + Self.provider(script, test: "--check")).write(toFile: h.config, atomically: true, encoding: .utf8)

                try await h.start()
                let start = DaemonHarness.dueNow
                try h.drop("one.csv", DaemonHarness.csv([.init(id: "C-1", first: "Ann", mobile: "0412 345 678", at: start)]))
                try await h.waitForFiles(1, in: "sent", timeout: .seconds(90))
                let id = try #require(h.files(in: "sent").first)

                let text = try Data(contentsOf: URL(fileURLWithPath: h.root + "/received/\(id).text"))
                #expect(String(decoding: text, as: UTF8.self) == DaemonHarness.exampleText(first: "Ann", at: start))
                #expect(try String(contentsOfFile: h.root + "/received/\(id).to", encoding: .utf8) == "+61412345678")
                let environment = try String(contentsOfFile: h.root + "/received/\(id).env", encoding: .utf8)
                #expect(environment.contains("REMINDD_MESSAGE_ID=\(id)\n"))
                #expect(!environment.contains("NOTIFY_SOCKET") && !environment.contains("INVOCATION_ID"), "the unit's environment leaked")

                let sent = try await h.waitForJournal(.messageSent)
                #expect(sent.first?["PROVIDER"] == "command")
                #expect(sent.first?["RECIPIENT"] == "+614******78")
                for entry in try await sandbox.journalJSON(h.unit) {
                    for value in entry.values {
                        #expect(!value.contains("412345678") && !value.contains("345 678"), "a full phone number in the journal: \(value)")
                        #expect(!value.contains("this is a reminder"), "message text in the journal: \(value)")
                    }
                }

                // remindctl test-provider runs test_argv: OK with its output, then a failing one.
                let ok = try await RemindctlTests.remindctl(["test-provider", "--config", h.config])
                #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
                #expect(ok.stdout.contains("  | gateway reachable\n  | balance 42.50\n"), "\(ok.stdout)")
                #expect(ok.stdout.contains("OK: exit 0"))
                #expect(!ok.stdout.contains("--gateway"), "an argument of the command was printed")
                try (config + Self.provider(script, test: "--fail")).write(toFile: h.config, atomically: true, encoding: .utf8)
                let failed = try await RemindctlTests.remindctl(["test-provider", "--config", h.config])
                #expect(failed.status == 69, "\(failed.stdout)\(failed.stderr)")
                #expect(failed.stdout.contains("FAILED: exit 2: login rejected for 041*****78"), "\(failed.stdout)")
                #expect(!failed.stdout.contains("345 678"))

                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "Result") == "success")
            }
        }
    }
}

/// `remindctl check-config` and `test-provider` on a command that is not there: both say
/// which key, as the daemon would at start.
@Suite struct CommandProviderConfigTests {
    @Test func aMissingCommandIsAConfigurationProblemAndFailsTheTest() async throws {
        let dir = try Sandbox.scratchDirectory("command-config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ExampleTemplates.copy(into: dir + "/templates")
        try """
            [practice]
            time_zone = "Australia/Sydney"
            [spool]
            root = "\(dir)/spool"
            [templates]
            directory = "\(dir)/templates"
            [provider]
            type = "command"
            argv = ["\(dir)/send-sms"]
            """.write(toFile: dir + "/remindd.toml", atomically: true, encoding: .utf8)
        let check = try await RemindctlTests.remindctl(["check-config", "--config", dir + "/remindd.toml"])
        #expect(check.status == 78)
        #expect(check.stderr.contains("provider.argv[0]: \(dir)/send-sms does not exist"), "\(check.stderr)")
        let test = try await RemindctlTests.remindctl(["test-provider", "--config", dir + "/remindd.toml"])
        #expect(test.status == 69)
        #expect(test.stdout.contains("FAILED: provider.argv[0]: \(dir)/send-sms does not exist"), "\(test.stdout)")
    }
}
