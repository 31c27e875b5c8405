import Foundation
import RemindAssembly
import RemindConfig
import Testing

@Suite struct ProviderConfigTests: ProviderTable {
    @Test func aCommandWithDefaults() throws {
        let c = try parse("""
            type = "command"
            argv = ["/usr/local/bin/send-sms", "--gateway", "main"]
            """)
        #expect(c.provider == .command(.init(argv: ["/usr/local/bin/send-sms", "--gateway", "main"], timeout: .seconds(20), temporaryExitCodes: [75])))
        #expect(c.provider.name == "command")
    }

    @Test func aCommandWithEverySetting() throws {
        let c = try parse("""
            type = "command"
            argv = ["/usr/local/bin/send-sms"]
            timeout = "1m30s"
            temporary_exit_codes = [75, 69, 3]
            test_argv = ["/usr/local/bin/send-sms", "--check"]
            """)
        #expect(c.provider == .command(.init(
            argv: ["/usr/local/bin/send-sms"], timeout: .seconds(90), temporaryExitCodes: [75, 69, 3], testArgv: ["/usr/local/bin/send-sms", "--check"])))
    }

    @Test func outboxStaysTheDefault() throws {
        let c = try parse("directory = \"/srv/outgoing\"")
        #expect(c.provider == .outbox(directory: "/srv/outgoing"))
    }

    @Test(arguments: [
        ("type = \"command\"", "provider.argv: required"),
        ("type = \"command\"\nargv = []", "provider.argv: must name a command"),
        ("type = \"command\"\nargv = [\"send-sms\", \"--x\"]", "provider.argv[0]: 'send-sms' must be an absolute path"),
        ("type = \"command\"\nargv = \"/bin/send-sms\"", "provider.argv: must be an array of strings"),
        ("type = \"command\"\nargv = [\"/bin/true\", 5]", "provider.argv[1]: must be a string"),
        ("type = \"command\"\nargv = [\"/bin/true\"]\ntimeout = \"0\"", "provider.timeout: must be a positive duration"),
        ("type = \"command\"\nargv = [\"/bin/true\"]\ntimeout = \"soon\"", "provider.timeout: 'soon' is not a duration"),
        ("type = \"command\"\nargv = [\"/bin/true\"]\ntemporary_exit_codes = [75, 0]", "provider.temporary_exit_codes[1]: must be an exit code, 1…255"),
        ("type = \"command\"\nargv = [\"/bin/true\"]\ntemporary_exit_codes = [256]", "provider.temporary_exit_codes[0]: must be an exit code"),
        ("type = \"command\"\nargv = [\"/bin/true\"]\ntemporary_exit_codes = 75", "provider.temporary_exit_codes: must be an array"),
        ("type = \"command\"\nargv = [\"/bin/true\"]\ntest_argv = [\"check\"]", "provider.test_argv[0]: 'check' must be an absolute path"),
        ("type = \"command\"\nargv = [\"/bin/true\"]\nshell = true", "provider.shell: unknown key"),
        ("type = \"command\"\nargv = [\"/bin/true\"]\ndirectory = \"/srv\"", "provider.directory: not a key of type = \"command\""),
        ("type = \"outbox\"\nargv = [\"/bin/true\"]", "provider.argv: not a key of type = \"outbox\""),
        ("type = \"pigeon\"", "provider.type: 'pigeon' is not a provider this build has (command, http, kannel, outbox, smpp)"),
    ])
    func aBadTableNamesItsKey(provider: String, expected: String) {
        let found = problems(provider)
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }

    @Test func theVerdictChecksTheCommandOnDisk() throws {
        let dir = NSTemporaryDirectory() + "remindd-provider-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = dir + "/plain"
        try "#!/bin/sh\n".write(toFile: plain, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: plain)

        let good = try parse("type = \"command\"\nargv = [\"/bin/sh\", \"-c\", \"true\"]\ntest_argv = [\"/bin/true\"]")
        #expect(good.providerProblems().isEmpty)
        let missing = try parse("type = \"command\"\nargv = [\"\(dir)/send-sms\"]\ntest_argv = [\"\(plain)\"]")
        #expect(missing.providerProblems() == [
            "/etc/remindd/remindd.toml: provider.argv[0]: \(dir)/send-sms does not exist",
            "/etc/remindd/remindd.toml: provider.test_argv[0]: \(plain) is not executable by this user",
        ])
        let directory = try parse("type = \"command\"\nargv = [\"\(dir)\"]")
        #expect(directory.providerProblems() == ["/etc/remindd/remindd.toml: provider.argv[0]: \(dir) is a directory, not a command"])
        #expect(try parse("directory = \"/nonexistent\"").providerProblems().isEmpty, "the outbox is created at start")
    }
}
