import Foundation
import RemindTesting
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// `remindctl test-provider` for SMPP under the real systemd, as root runs it: the
    /// password comes from the credentials directory as the unit loads it
    /// (`LoadCredential=remindd:DIR`, through systemd-run), never from argv; against PyPI's
    /// smpp34 SMSC it binds, times one enquire_link, unbinds and sends nothing, and a
    /// refused bind exits 69 naming the SMSC's status.
    @Suite struct SMPPTestProviderTests {
        @Test func testProviderBindsWithTheCredentialSendsNothingAndNamesARefusal() async throws {
            let smsc = try TestSMSC()
            try await smsc.start()
            let refusing = try TestSMSC(refuseBind: true)
            try await refusing.start()
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0")
                defer { h.cleanUp() }
                let password = "pw-4k2m"
                try FileManager.default.createDirectory(atPath: h.root + "/credentials", withIntermediateDirectories: true)
                try password.write(toFile: h.root + "/credentials/smpp-password", atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: h.root + "/credentials/smpp-password")
                let base = try String(contentsOfFile: h.config, encoding: .utf8)
                func configure(port: Int) throws {
                    try (base + """

                        [provider]
                        type = "smpp"
                        host = "127.0.0.1"
                        port = \(port)
                        system_id = "harbour"
                        source = "Harbour"

                        """).write(toFile: h.config, atomically: true, encoding: .utf8)
                }
                let remindctl = try Sandbox.product("remindctl")
                let command = [remindctl, "test-provider", "--config", h.config, "--credentials", h.root + "/credentials"]

                try configure(port: smsc.port)
                let ok = try await sandbox.exec(command)
                #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
                #expect(ok.stdout.contains("OK: bound to") && ok.stdout.contains("enquire_link answered in") && ok.stdout.contains("no SMS sent"), "\(ok.stdout)")
                // The SMSC logs the unbind after answering it: wait for its line (bounded).
                try await sandbox.waitUntil("the SMSC logs the bind and the unbind", timeout: .seconds(10)) {
                    smsc.events("unbound").count >= 1
                }
                #expect(smsc.events("bound").count == 1 && smsc.events("unbound").count == 1)
                #expect(smsc.events("submit").isEmpty, "test-provider sent an SMS")
                #expect(!(ok.stdout + ok.stderr).contains(password))

                try configure(port: refusing.port)
                let refused = try await sandbox.exec(command)
                #expect(refused.status == 69, "\(refused.stdout) \(refused.stderr)")
                #expect(refused.stdout.contains("FAILED") && refused.stdout.contains("ESME_RINVPASWD"), "\(refused.stdout)")
                try await sandbox.waitUntil("the SMSC logs the refusal", timeout: .seconds(10)) {
                    refusing.events("bind_refused").count >= 1
                }
                #expect(refusing.events("bind_refused").count == 1)
                #expect(!(refused.stdout + refused.stderr).contains(password))

                // transmitter+receiver: both links bind, each times its enquire_link.
                try (base + """

                    [provider]
                    type = "smpp"
                    host = "127.0.0.1"
                    port = \(smsc.port)
                    system_id = "harbour"
                    source = "Harbour"
                    bind = "transmitter+receiver"

                    """).write(toFile: h.config, atomically: true, encoding: .utf8)
                let both = try await sandbox.exec(command)
                #expect(both.status == 0, "\(both.stdout) \(both.stderr)")
                #expect(both.stdout.contains("OK: transmitter: bound to") && both.stdout.contains("OK: receiver: bound to"), "\(both.stdout)")
                try await sandbox.waitUntil("the SMSC logs both binds", timeout: .seconds(10)) { smsc.events("bound").count >= 3 }
                // The two links bind side by side: either may be logged first.
                #expect(Set(smsc.events("bound").suffix(2).compactMap(\.kind)) == ["sends", "receives"])
                #expect(smsc.events("submit").isEmpty)

                // No credential in the directory: a configuration problem (78), named, no bind tried.
                try FileManager.default.removeItem(atPath: h.root + "/credentials/smpp-password")
                try configure(port: smsc.port)
                let missing = try await sandbox.exec(command)
                #expect(missing.status == 78, "\(missing.stdout) \(missing.stderr)")
                #expect(missing.stdout.contains("smpp-password"), "\(missing.stdout)")
                #expect(smsc.events("bound").count == 3)
            }
        }
    }
}
