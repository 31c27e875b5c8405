import Foundation
import RemindCore
import RemindTesting
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// The low-balance wiring end to end: remindd under the real systemd with the shipped
    /// unit, `type = "http"` against the test REST gateway (Python's http.server), its
    /// token a credential, and a balance request whose answer the test changes. The daemon
    /// checks at start and after every send (`balance_check_every = 1`); below `low_balance`
    /// it logs one catalogued warning and STATUS= (and `remindctl status`) carry
    /// "credit 84 below 100" while messages keep going; once a check finds the balance back,
    /// one notice and the note is gone. The hourly check is BalanceMonitorTests' (a clock).
    @Suite struct CreditTests {
        @Test func aLowBalanceWarnsOnceAndShowsInStatusWhileSendingGoesOnAndClearsWhenBack() async throws {
            let token = "tok-secret-1"  // what rest_gateway.py's /balance accepts
            let gateway = try await TestRESTGateway(answers: ["ok"])
            defer { gateway.stop() }
            try gateway.setBalance(84)
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.rest(sandbox, gateway: gateway, credential: "gateway-token", token, extra: #"""
                    headers = { Authorization = "Bearer {{token}}" }
                    secret_credentials = { token = "gateway-token" }
                    balance_url = "\#(gateway.url)/balance"
                    balance_pointer = "/account/balance"
                    low_balance = 100
                    balance_check_every = 1
                    """#)
                defer { h.cleanUp() }
                try await h.start()

                // The check at start: 84 < 100.
                let warnings = try await h.waitForJournal(.lowBalance)
                #expect(warnings.first?["PRIORITY"] == "4", "\(warnings)")
                #expect(warnings.first?["BALANCE"] == "84" && warnings.first?["THRESHOLD"] == "100", "\(warnings)")
                try await sandbox.waitUntil("the credit note in STATUS=", timeout: .seconds(30), interval: .milliseconds(200)) {
                    try await h.status().contains("credit 84 below 100")
                }
                let status = try await RemindctlTests.remindctl(["status", "--config", h.config])
                #expect(status.status == 0, "\(status.stderr)")
                #expect(status.stdout.contains("credit 84 below 100"), "\(status.stdout)")

                // Sending goes on while the credit is low; each send asks again (still 84): no second warning.
                let start = DaemonHarness.dueNow
                try h.drop("low.csv", DaemonHarness.csv([
                    .init(id: "C-1", first: "Ann", mobile: "0412 345 671", at: start),
                    .init(id: "C-2", first: "Bob", mobile: "0412 345 672", at: start),
                ]))
                try await h.waitForFiles(2, in: "sent")
                #expect(gateway.requests().count == 2)
                try await sandbox.waitUntil("a balance check after each send", timeout: .seconds(30), interval: .milliseconds(200)) {
                    gateway.log().filter { $0.event == "balance-answer" }.count >= 3
                }
                #expect(try await h.status().contains("credit 84 below 100"))

                // Topped up: the check after the next send finds it back.
                try gateway.setBalance(150)
                try h.drop("topped-up.csv", DaemonHarness.csv([.init(id: "C-3", first: "Cat", mobile: "0412 345 673", at: start)]))
                try await h.waitForFiles(3, in: "sent")
                let events = try await h.waitForJournal(.lowBalance, count: 2)
                try await sandbox.waitUntil("the credit note gone from STATUS=", timeout: .seconds(30), interval: .milliseconds(200)) {
                    try await !h.status().contains("credit")
                }
                let after = try await RemindctlTests.remindctl(["status", "--config", h.config])
                #expect(!after.stdout.contains("credit"), "\(after.stdout)")
                #expect(gateway.requests().count == 3)

                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "Result") == "success", "the balance monitor stops with the daemon")
                let journal = try await h.reminddJournal()
                let credit = journal.filter { $0["MESSAGE_ID"] == EventID.lowBalance.rawValue }
                #expect(credit.map { $0["PRIORITY"] ?? "?" } == ["4", "5"], "one warning, then one notice: \(credit)")
                #expect(events.last?["BALANCE"] == "150", "\(events)")
                for entry in journal {
                    for value in entry.values {
                        #expect(!value.contains("41234567"), "a full phone number in the journal: \(value)")
                        #expect(!value.contains("this is a reminder"), "message text in the journal: \(value)")
                        #expect(!value.contains(token), "the token in the journal")
                    }
                }
            }
        }
    }
}
