import Foundation
import RemindCore
import RemindTesting
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// remindd under the real systemd with the shipped unit, `type = "kannel"`, the Kannel
    /// password and the callback secret as credentials (the unit's LoadCredential=
    /// directory), against Debian's Kannel (bearerbox, smsbox, fakesmsc) on 127.0.0.1: an
    /// export's messages reach fakesmsc at the stagger's pace, Kannel's dlr-url callbacks
    /// deliver them, an MO STOP through smsbox's get-url opts the number out, and the
    /// journal holds no full number, no text and no secret.
    @Suite struct KannelProviderTests {
        @Test func anExportReachesKannelItsReceiptsDeliverAndAStopOptsOut() async throws {
            let secret = "cb-secret-4f9a1c77e2b84d05"
            let listenPort = try TestSMSC.freePort()
            let kannel = try TestKannel(password: "kpw-81zq", moURL: "http://127.0.0.1:\(listenPort)/kannel/mo?secret=\(secret)&from=%p&text=%a")
            try await kannel.start()
            defer { kannel.stop() }
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.make(sandbox, stagger: "2s", extraDropIn: "LoadCredential=remindd:@ROOT@/credentials")
                defer { h.cleanUp() }
                try h.writeCredential("kannel-password", kannel.password)
                try h.writeCredential("callback-secret", secret)
                try h.appendConfig("""
                    [provider]
                    type = "kannel"
                    url = "\(kannel.sendsmsURL)"
                    username = "\(kannel.username)"
                    from = "Harbour"
                    concurrency = 4
                    receipts = true
                    callback_url = "http://127.0.0.1:\(listenPort)"
                    listen = "127.0.0.1:\(listenPort)"
                    """)
                try await h.start()
                let start = try h.dropAnnAndBob("kannel.csv", idPrefix: "K")
                try await h.waitReporting("two messages at fakesmsc", timeout: .seconds(90)) { kannel.received().count == 2 }
                let got = kannel.received()
                #expect(Set(got.map(\.to)) == ["+61412345678", "+61412345679"])
                #expect(got.allSatisfy { $0.from == "Harbour" && $0.type == "text" })
                let ann = try #require(got.first { $0.to == "+61412345678" })
                #expect(ann.text == DaemonHarness.exampleText(first: "Ann", at: start))
                // The stagger: fakesmsc's log has one-second stamps; the two are at least a second apart.
                #expect(Self.arrivalSeconds(kannel).count == 2)
                if let spread = Self.arrivalSeconds(kannel).max().flatMap({ max in Self.arrivalSeconds(kannel).min().map { max - $0 } }) {
                    #expect(spread >= 1, "the stagger (2 s) between the two: \(spread) s")
                }
                // Kannel's dlr-url callbacks, through the listener, deliver both.
                try await h.waitForFiles(2, in: "delivered", timeout: .seconds(60))

                // A patient's STOP through smsbox's sms-service get-url: opted out, kept in replies/.
                try await kannel.sendMO(from: "61412345678", to: "1234", text: "STOP")
                try await waitFor("the reply in replies/", timeout: .seconds(30)) {
                    !((try? FileManager.default.contentsOfDirectory(atPath: h.root + "/spool/replies")) ?? []).filter { !$0.hasPrefix(".") }.isEmpty
                }
                let list = try await RemindctlTests.remindctl(["optout", "list", "--config", h.config])
                #expect(list.status == 0, "\(list.stderr)")
                #expect(list.stdout.contains("+614******78"), "\(list.stdout)")

                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "Result") == "success")
                let journal = try await sandbox.journalJSON(h.unit)
                #expect(journal.filter { $0["MESSAGE_ID"] == EventID.messageDelivered.rawValue }.count == 2)
                #expect(journal.contains { $0["MESSAGE_ID"] == EventID.replyReceived.rawValue })
                for entry in journal {
                    for value in entry.values {
                        #expect(!value.contains("412345678") && !value.contains("412345679"), "a full phone number in the journal: \(value)")
                        #expect(!value.contains("this is a reminder"), "message text in the journal: \(value)")
                        #expect(!value.contains(kannel.password) && !value.contains(secret), "a secret in the journal")
                    }
                }
            }
        }

        /// The seconds of the day fakesmsc logged each "Got message" at.
        static func arrivalSeconds(_ kannel: TestKannel) -> [Int] {
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: kannel.directory).filter { $0.hasPrefix("fakesmsc-") }) ?? []
            var out: [Int] = []
            for log in logs {
                let text = (try? String(contentsOfFile: kannel.directory + "/" + log, encoding: .utf8)) ?? ""
                for line in text.split(separator: "\n") where line.contains("Got message") {
                    let parts = line.split(separator: " ")
                    guard parts.count > 1 else { continue }
                    let hms = parts[1].split(separator: ":").compactMap { Int($0) }
                    if hms.count == 3 { out.append(hms[0] * 3600 + hms[1] * 60 + hms[2]) }
                }
            }
            return out
        }
    }
}
