import Foundation
import RemindCore
import RemindTesting
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// remindd under the real systemd with the shipped unit, the SMPP provider and its
    /// password as a credential (the unit's LoadCredential= directory), against PyPI's
    /// smpp34 SMSC on 127.0.0.1: an export's messages reach the SMSC at the stagger's
    /// pace, their receipts deliver them, and the journal holds no full number, no text
    /// and no password.
    @Suite struct SMPPProviderTests {
        @Test func anExportReachesTheSMSCWithTheShippedUnitAndTheCredential() async throws {
            let smsc = try TestSMSC()
            try await smsc.start()
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "2s", extraDropIn: "LoadCredential=remindd:@ROOT@/credentials")
                defer { h.cleanUp() }
                let password = "pw-7x9q"
                try h.writeCredential("smpp-password", password)
                try h.appendConfig("""
                    [provider]
                    type = "smpp"
                    host = "127.0.0.1"
                    port = \(smsc.port)
                    system_id = "harbour"
                    source = "Harbour"
                    window = 5
                    """)
                try await h.start()
                let start = try h.dropAnnAndBob("smpp.csv", idPrefix: "S")
                try await h.waitReporting("two submits at the SMSC", timeout: .seconds(90), detail: { "the SMSC saw \(smsc.log().map(\.event))" }) {
                    smsc.accepted().count == 2
                }
                let submits = smsc.accepted()
                #expect(Set(submits.compactMap(\.dest)) == ["61412345678", "61412345679"])
                #expect(submits.allSatisfy { $0.src == "Harbour" && $0.src_ton == 5 && $0.dest_ton == 1 && $0.dest_npi == 1 && $0.reg == 1 })
                let ann = try #require(submits.first { $0.dest == "61412345678" })
                #expect(GSM7Text.decode(ann.bytes) == DaemonHarness.exampleText(first: "Ann", at: start))
                if let t0 = submits.first?.t, let t1 = submits.last?.t {
                    #expect(t1 - t0 >= 1.5, "the stagger (2 s) between the two submits: \(t1 - t0) s")
                }
                try await h.waitForFiles(2, in: "delivered", timeout: .seconds(60))

                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "Result") == "success")
                try await waitFor("the unbind at stop") { smsc.events("unbound").count == 1 }
                for entry in try await sandbox.journalJSON(h.unit) {
                    for value in entry.values {
                        #expect(!value.contains("412345678") && !value.contains("412345679"), "a full phone number in the journal: \(value)")
                        #expect(!value.contains("this is a reminder"), "message text in the journal: \(value)")
                        #expect(!value.contains(password), "the password in the journal")
                    }
                }
            }
        }
    }
}

extension SandboxLane2 {
    /// The shipped unit with a password the SMSC refuses (smpp34 answering ESME_RINVPASWD):
    /// STATUS= and `remindctl status` say "link refused" with the SMSC's status, the journal
    /// has it once at err, and the export's messages stay queued (none deferred, failed or
    /// submitted) while the daemon waits `refused_retry` before binding again.
    @Suite struct SMPPLinkRefusedTests {
        @Test func aRefusedBindKeepsTheQueueAndSaysSoInStatusAndTheJournal() async throws {
            let smsc = try TestSMSC(refuseBind: true)
            try await smsc.start()
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "0", extraDropIn: "LoadCredential=remindd:@ROOT@/credentials")
                defer { h.cleanUp() }
                try FileManager.default.createDirectory(atPath: h.root + "/credentials", withIntermediateDirectories: true)
                try "wrong-pw".write(toFile: h.root + "/credentials/smpp-password", atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: h.root + "/credentials/smpp-password")
                let config = try String(contentsOfFile: h.config, encoding: .utf8)
                try (config + """

                    [provider]
                    type = "smpp"
                    host = "127.0.0.1"
                    port = \(smsc.port)
                    system_id = "harbour"
                    source = "Harbour"

                    """).write(toFile: h.config, atomically: true, encoding: .utf8)
                try await h.start()
                let start = DaemonHarness.dueNow
                try h.drop("refused.csv", DaemonHarness.csv([
                    .init(id: "R-1", first: "Ann", mobile: "0412 345 678", at: start),
                    .init(id: "R-2", first: "Bob", mobile: "0412 345 679", at: start),
                ]))
                try await sandbox.waitUntil("STATUS= says link refused", timeout: .seconds(30)) {
                    try await h.status().contains("link refused")
                }
                try await sandbox.waitUntil("both messages queued", timeout: .seconds(30)) { h.files(in: "queued").count == 2 }
                try await Task.sleep(for: .seconds(3))  // releases would go now, were the link up
                let status = try await h.status()
                #expect(status.contains("link refused: bind refused: ESME_RINVPASWD (0xE)"), "\(status)")
                let ctl = try await RemindctlTests.remindctl(["status", "--config", h.config])
                #expect(ctl.stdout.contains("gateway link: refused: bind refused: ESME_RINVPASWD (0xE)"), "\(ctl.stdout) \(ctl.stderr)")
                #expect(h.files(in: "queued").count == 2)
                #expect(h.files(in: "deferred").isEmpty && h.files(in: "failed").isEmpty && h.files(in: "uncertain").isEmpty)
                #expect(smsc.events("bind_refused").count == 1, "refused_retry (5 min) between binds, not a loop")
                #expect(smsc.events("submit").isEmpty)
                let errors = try await sandbox.journalJSON(h.unit).filter { $0["PRIORITY"] == "3" && ($0["MESSAGE"] ?? "").contains("refused the link") }
                #expect(errors.count == 1, "\(errors)")
                #expect(errors.first.map { ($0["REASON"] ?? "").contains("ESME_RINVPASWD") } == true, "\(errors)")
                for entry in try await sandbox.journalJSON(h.unit) {
                    for value in entry.values { #expect(!value.contains("wrong-pw"), "the password in the journal") }
                }
            }
        }
    }
}

/// GSM-7 unpacked septets as text (the basic table's ASCII-compatible part is enough for
/// the example template; anything else shows as '?').
enum GSM7Text {
    static func decode(_ septets: [UInt8]) -> String {
        String(septets.map { s -> Character in
            switch s {
            case 0x20...0x23, 0x25...0x3F, 0x41...0x5A, 0x61...0x7A: Character(Unicode.Scalar(s))
            case 0x0A: "\n"
            case 0x0D: "\r"
            default: "?"
            }
        })
    }
}
