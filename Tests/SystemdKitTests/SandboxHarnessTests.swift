import Foundation
import SandboxSupport
import Testing

/// The harness itself, against the real systemd it boots: a transient unit runs, its
/// properties and journal entries come back, and the sandbox is gone after `down()`.
@Suite struct SandboxHarnessTests {
    /// A command the harness spawns inherits only its standard descriptors. Foundation's
    /// `Process` learns that a child ended from EOF on a socket pair (not close-on-exec)
    /// whose child end is open while it spawns; a sandbox command that inherited that end
    /// kept another test's killed daemon "running", a zombie, for as long as it ran.
    @Test func aSpawnedCommandInheritsNoOtherDescriptor() async throws {
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)  // as Foundation makes it
        defer { close(pair[0]); close(pair[1]) }
        let r = try await Sandbox.runOnHost(["/bin/sh", "-c", "ls /proc/$$/fd"])
        #expect(r.status == 0, "\(r.stderr)")
        let open = Set(r.stdout.split(separator: "\n").compactMap { Int32($0) })
        #expect(open.isSuperset(of: [0, 1, 2]), "\(open)")
        #expect(open.isDisjoint(with: pair), "the child kept \(open.intersection(pair)) of \(open)")
    }

    @Test func bootsRunsAUnitReadsItsJournalAndTearsDown() async throws {
        let sandbox = try await Sandbox.up()
        defer { sandbox.down() }

        let state = try await sandbox.exec(["systemctl", "is-system-running"]).stdout
        #expect(state.hasPrefix("running") || state.hasPrefix("degraded"))
        try await sandbox.run([
            "systemd-run", "--unit=harness-probe", "--service-type=exec", "-p", "RemainAfterExit=yes",
            "/bin/sh", "-c", "echo first line; echo second line",
        ])
        try await sandbox.waitUntil("harness-probe exited") {
            try await sandbox.show("harness-probe.service", "SubState") == "exited"
        }
        #expect(try await sandbox.show("harness-probe.service", "Result") == "success")
        var messages: [String] = []
        try await sandbox.waitUntil("both lines in the journal") {
            messages = try await sandbox.journalJSON("harness-probe.service").compactMap { $0["MESSAGE"] }
            return messages.contains("second line")
        }
        #expect(messages.contains("first line"))

        let failed = try await sandbox.exec(["systemctl", "status", "no-such-unit.service"])
        #expect(failed.status != 0)

        let pid = sandbox.systemdPID
        #expect(kill(pid, 0) == 0)
        sandbox.down()
        #expect(kill(pid, 0) != 0)
        #expect(!FileManager.default.fileExists(atPath: sandbox.workDirectory))
    }

    @Test func aHungCommandTimesOutInsteadOfHanging() async throws {
        try await Sandbox.withSandbox { sandbox in
            let error = await #expect(throws: SandboxError.self) {
                try await sandbox.exec(["sleep", "30"], timeout: .seconds(1))
            }
            #expect(error?.code == .timedOut)
        }
    }

    @Test func parsesBinaryAndRepeatedJournalFields() throws {
        let text = """
            {"MESSAGE":[104,105,10,0],"MULTI":["a","b"],"PRIORITY":"6"}
            {"MESSAGE":"plain","BIG":null}

            """
        let entries = try Sandbox.parseJournalJSON(text)
        #expect(entries.count == 2)
        #expect(entries[0]["MESSAGE"] == "hi\n\0")
        #expect(entries[0]["MULTI"] == "a\nb")
        #expect(entries[0]["PRIORITY"] == "6")
        #expect(entries[1]["MESSAGE"] == "plain")
        #expect(entries[1]["BIG"] == "")
    }

    @Test func findsBuiltProducts() throws {
        let directory = Sandbox.productsDirectory
        #expect(FileManager.default.fileExists(atPath: directory + "/journal-probe"))
        #expect(try Sandbox.product("journal-probe").hasSuffix("/journal-probe"))
        #expect(throws: SandboxError.self) { try Sandbox.product("no-such-product") }
    }
}
