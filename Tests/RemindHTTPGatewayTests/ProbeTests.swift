import Foundation
import RemindCore
@testable import RemindHTTPGateway
import RemindTesting
import RemindText
import Testing

/// `test-provider` for HTTP gateways: against Debian's Kannel, the test REST gateway, and
/// through `remindd --test-provider` with the credentials in $CREDENTIALS_DIRECTORY.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ProbeTests {
    @Test func kannelCredentialsAreCheckedWithoutSendingAnything() async throws {
        let kannel = try TestKannel()
        try await kannel.start()
        defer { kannel.stop() }
        let report = try await HTTPGatewayProbe.run(Fixture.kannelSettings(kannel), balance: nil)
        #expect(report.lines.contains { $0.contains("accepted the credentials of remindd") })
        #expect(report.roundTrip > .zero && report.roundTrip < .seconds(5))
        do {
            _ = try await HTTPGatewayProbe.run(Fixture.kannelSettings(kannel, password: "bad-pw-9"), balance: nil)
            Issue.record("a wrong password passed the probe")
        } catch {
            #expect(error.description.contains("refused the credentials of remindd (403"))
            #expect(!error.description.contains("bad-pw-9"))
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(kannel.received().isEmpty)
    }

    @Test func theBalanceIsReadByItsPointerAndABadTokenFailsWithTheGatewaysReason() async throws {
        let gateway = try await TestRESTGateway(answers: ["ok"])
        let template = try RequestTemplate(url: gateway.url + "/v1/sms", headers: [("Authorization", "Bearer {{token}}")], body: "{}")
        var rest = HTTPGatewaySettings.REST(request: template, answer: AnswerRules(error: .pointer("/error/code")))
        rest.secrets = ["token": "tok-secret-1"]
        let balance = HTTPGatewayProbe.Balance(
            request: try RequestTemplate(url: gateway.url + "/balance", headers: [("Authorization", "Bearer {{token}}")]),
            locator: .pointer("/account/balance"))
        let report = try await HTTPGatewayProbe.run(HTTPGatewaySettings(flavour: .rest(rest)), balance: balance)
        #expect(report.balance == 84.5)
        rest.secrets = ["token": "stale"]
        do {
            _ = try await HTTPGatewayProbe.run(HTTPGatewaySettings(flavour: .rest(rest)), balance: balance)
            Issue.record("a bad token passed the probe")
        } catch {
            #expect(error.description.contains("answered the balance request with 401 with error BAD_TOKEN"))
        }
        #expect(gateway.requests().isEmpty)  // no SMS request
    }

    @Test func reminddTestProviderExitsWithTheGatewaysAnswer() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let remindd = root.appendingPathComponent(".build/debug/remindd").path
        guard FileManager.default.isExecutableFile(atPath: remindd) else {
            throw TestKannel.Failure(description: "\(remindd) is missing: swift build first")
        }
        let gateway = try await TestRESTGateway(answers: ["ok"])
        let scratch = NSTemporaryDirectory() + "remindd-probe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch + "/credentials", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("spool.example/templates").path, toPath: scratch + "/templates")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        func run(token: String) async throws -> (Int32, String) {
            try token.write(toFile: scratch + "/credentials/remindd_sms-api-token", atomically: true, encoding: .utf8)
            try """
                [practice]
                time_zone = "Australia/Sydney"
                [spool]
                root = "\(scratch)/spool"
                [templates]
                directory = "\(scratch)/templates"
                [provider]
                type = "http"
                url = "\(gateway.url)/v1/sms"
                headers = { Authorization = "Bearer {{token}}" }
                body = '{"to": "{{to}}", "text": "{{text}}"}'
                secret_credentials = { token = "sms-api-token" }
                error_pointer = "/error/code"
                balance_url = "\(gateway.url)/balance"
                balance_pointer = "/account/balance"
                low_balance = 100
                """.write(toFile: scratch + "/remindd.toml", atomically: true, encoding: .utf8)
            let r = try await runCommand(remindd, ["--test-provider", "--config", scratch + "/remindd.toml"],
                                         environment: ["CREDENTIALS_DIRECTORY": scratch + "/credentials", "PATH": "/usr/bin:/bin"],
                                         mergeOutput: true)
            return (r.status, r.stdout)
        }
        let (ok, okOutput) = try await run(token: "tok-secret-1\n")
        #expect(ok == 0, "\(okOutput)")
        #expect(okOutput.contains("balance 84.50 (below low_balance 100.00)"), "\(okOutput)")
        #expect(!okOutput.contains("tok-secret-1"))
        let (bad, badOutput) = try await run(token: "stale")
        #expect(bad == 69, "\(badOutput)")
        #expect(badOutput.contains("FAILED:") && badOutput.contains("401") && badOutput.contains("BAD_TOKEN"), "\(badOutput)")
        #expect(gateway.requests().isEmpty)
    }
}
