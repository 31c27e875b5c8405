import Foundation
import RemindCore
import RemindTesting
import SandboxSupport
import Testing

extension SandboxLane1 {
    /// A wrong proxy password end to end (issue #17): remindd under the real systemd with
    /// the shipped unit, `type = "http"` to the test REST gateway through Debian's squid with
    /// Basic authentication, the proxy password a credential. squid answers 407; the message
    /// is not lost and not failed: it waits in `deferred/` with the attempt in its history,
    /// the journal names the proxy and its 407 once (no password, number or text), and
    /// STATUS= and `remindctl status` say the provider is failing and why. With the right
    /// password and a restart (credentials are read at start), `remindctl retry` sends it,
    /// and the gateway gets it exactly once.
    @Suite struct ProxyRefusalTests {
        @Test func aWrongProxyPasswordDefersTheMessageNamingThe407AndItGoesOnceTheCredentialIsFixed() async throws {
            let wrong = "wrong-proxy-pw-52"
            let squid = try await TestSquid()
            let gateway = try await TestRESTGateway(answers: ["ok"])
            defer { gateway.stop() }
            let refusal = "the proxy 127.0.0.1:\(squid.port) refused our credentials (407 Proxy Authentication Required)"
            try await Sandbox.withSandbox { sandbox in
                let h = try await DaemonHarness.rest(sandbox, gateway: gateway, credential: "proxy-password", wrong, extra: #"""
                    proxy = "http://127.0.0.1:\#(squid.port)"
                    proxy_user = "\#(squid.user)"
                    connect_timeout = "2s"
                    """#)
                defer { h.cleanUp() }
                try await h.start()
                try h.drop("proxy.csv", DaemonHarness.csv([.init(id: "P-1", first: "Ann", mobile: "0412 345 681", at: DaemonHarness.dueNow)]))

                // Refused: deferred, its attempt and the reason in its history; nothing failed, nothing sent.
                try await h.waitForFiles(1, in: "deferred")
                let deferred = try #require(SpoolListing.messages(root: h.spool, state: "deferred").first)
                let history = (deferred.text ?? "").split(separator: "\n").filter { $0.hasPrefix("Event: ") }
                #expect(history.count == 3, "queued, active, deferred: \(history)")
                #expect(history.dropFirst().first?.hasSuffix(" active provider=http") == true, "\(history)")
                let last = String(history.last ?? "")
                #expect(last.contains(" deferred retry=") && last.contains("reason=" + refusal), "\(last)")
                #expect(!(deferred.text ?? "").contains(wrong))
                #expect(h.keysByState() == ["deferred": ["P-1"]], "\(h.keysByState())")
                #expect(gateway.requests().isEmpty, "nothing reached the gateway")
                #expect(squid.log.contains("TCP_DENIED/407"), "\(squid.log)")

                // The journal: one warning naming the proxy and its 407.
                let warnings = try await h.waitForJournal(.messageDeferred)
                #expect(warnings.count == 1 && warnings.first?["PRIORITY"] == "4", "\(warnings)")
                #expect(warnings.first?["SPOOL_ID"] == deferred.id && warnings.first?["REASON"]?.hasPrefix(refusal) == true, "\(warnings)")

                // STATUS= and remindctl status: the provider failing, and why.
                let failing = "provider http failing: " + refusal
                try await sandbox.waitUntil("the proxy's refusal in STATUS=", timeout: .seconds(30), interval: .milliseconds(200)) {
                    try await h.status().contains(failing)
                }
                let status = try await RemindctlTests.remindctl(["status", "--config", h.config])
                #expect(status.status == 0 && status.stdout.contains(failing), "\(status.stdout) \(status.stderr)")
                #expect(!status.stdout.contains(wrong))

                // The password fixed: a new credential, a restart, and the message sent now.
                try h.writeCredential("proxy-password", squid.password)
                try await sandbox.run(["systemctl", "restart", h.unit])
                try await h.waitUntilRunning()
                let retry = try await RemindctlTests.remindctl(["retry", deferred.id, "--config", h.config])
                // (Unless its own retry, a minute after the refusal, came first on a slow machine.)
                #expect(retry.status == 0 || h.files(in: "sent").count == 1, "\(retry.stdout) \(retry.stderr)")
                try await h.waitForFiles(1, in: "sent", timeout: .seconds(30))
                try await Task.sleep(for: .seconds(2))  // time for a second hand-over, were there one
                #expect(gateway.requests().count == 1, "exactly once: \(gateway.requests().count)")
                #expect(h.keysByState() == ["sent": ["P-1"]], "\(h.keysByState())")
                try await sandbox.waitUntil("the failing note gone from STATUS=", timeout: .seconds(30), interval: .milliseconds(200)) {
                    try await !h.status().contains("failing")
                }

                try await sandbox.run(["systemctl", "stop", h.unit])
                #expect(try await sandbox.show(h.unit, "Result") == "success")
                let journal = try await h.reminddJournal()
                // One event names the 407; the first process's "remindd stopped" line repeats its
                // last STATUS= (the failing note) and nothing else does.
                let named = journal.filter { $0.values.contains { $0.contains("407 Proxy Authentication Required") } }
                #expect(named.filter { $0["REASON"] != nil }.map { $0["MESSAGE_ID"] } == [EventID.messageDeferred.rawValue], "the 407 named once: \(named)")
                #expect(named.allSatisfy { $0["REASON"] != nil || ($0["MESSAGE"] == "remindd stopped" && $0["STATUS"]?.contains(failing) == true) }, "\(named)")
                #expect(journal.filter { $0["MESSAGE_ID"] == EventID.messageSent.rawValue }.count == 1)
                for entry in journal {
                    for value in entry.values {
                        #expect(!value.contains("412345681"), "a full phone number in the journal: \(value)")
                        #expect(!value.contains("this is a reminder"), "message text in the journal: \(value)")
                        #expect(!value.contains(wrong) && !value.contains(squid.password), "a proxy password in the journal")
                    }
                }
            }
        }
    }
}
