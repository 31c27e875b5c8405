import Foundation
import SandboxSupport
import Testing

/// Configuration mistakes caught before a row is lost (issue #14): an empty templates
/// directory stops remindd at start with exit 78 and fails `remindctl check-config`, both
/// naming the missing template; and `remindctl preview` shows which column fed which
/// element, so a wrong mapping is seen before any patient gets a text.
@Suite struct ConfigMistakesTests {
    @Test func anEmptyTemplatesDirectoryStopsStartAndFailsCheckConfig() async throws {
        let d = try HostDaemon(label: "no-templates")
        defer { d.cleanUp() }
        let templates = d.root + "/templates"
        for name in try FileManager.default.contentsOfDirectory(atPath: templates) {
            try FileManager.default.removeItem(atPath: templates + "/" + name)
        }
        let check = try await RemindctlTests.remindctl(["check-config", "--config", d.config])
        #expect(check.status == 78)
        #expect(check.stderr.contains("template appointment.mustache is not in \(templates)"), "\(check.stderr)")

        let daemon = try d.launch()
        try #require(try await HostDaemon.wait(daemon, timeout: .seconds(30)), "remindd kept running without templates")
        #expect(daemon.terminationReason == .exit && daemon.terminationStatus == 78, "\(d.log())")
        #expect(d.log().contains("appointment.mustache"), "\(d.log())")
    }

    /// A REST gateway's broken request templates: `remindctl check-config` names each by its
    /// key and exits 78, and remindd stops at start with 78 naming the same keys (before it
    /// reads a credential or makes a request).
    @Test func aBrokenRESTTemplateFailsCheckConfigAndStopsStartNamingItsKey() async throws {
        let d = try HostDaemon(label: "rest-template")
        defer { d.cleanUp() }
        var toml = try String(contentsOfFile: d.config, encoding: .utf8)
        let provider = try #require(toml.range(of: "[provider]")), control = try #require(toml.range(of: "[control]"))
        toml.replaceSubrange(provider.lowerBound..<control.lowerBound, with: #"""
            [provider]
            type = "http"
            url = "https://sms.example.net/v1/messages"
            body = '{"to": "{{to}}", "text": "{{{text}}}"}'
            headers = { Authorization = "Bearer {{api_key}}" }
            secret_credentials = { token = "gateway-token" }
            error_pointer = "/error/code"

            """#)
        try toml.write(toFile: d.config, atomically: true, encoding: .utf8)
        let expected = [
            "\(d.config): provider.body: triple braces and {{& }} skip escaping",
            "\(d.config): provider.headers.Authorization: {{api_key}} is not a value remindd has",
        ]
        let check = try await RemindctlTests.remindctl(["check-config", "--config", d.config])
        #expect(check.status == 78, "\(check.stdout)")
        for line in expected { #expect(check.stderr.contains(line), "\(check.stderr)") }

        let daemon = try d.launch()
        try #require(try await HostDaemon.wait(daemon, timeout: .seconds(30)), "remindd kept running with a broken request template")
        #expect(daemon.terminationReason == .exit && daemon.terminationStatus == 78, "\(d.log())")
        for line in expected { #expect(d.log().contains(line), "\(d.log())") }

        // Fixed, both accept it (the daemon is not started again: it would want the credential).
        toml = toml.replacingOccurrences(of: "{{{text}}}", with: "{{text}}").replacingOccurrences(of: "{{api_key}}", with: "{{token}}")
        try toml.write(toFile: d.config, atomically: true, encoding: .utf8)
        let fixed = try await RemindctlTests.remindctl(["check-config", "--config", d.config])
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    @Test func previewShowsWhichColumnFedWhichElement() async throws {
        let d = try HostDaemon(label: "preview-columns")
        defer { d.cleanUp() }
        let file = d.root + "/export.csv"
        try """
            Appt,Patient Name,Mobile Phone,Date,Time,Site,Insurer
            A1,"Lee, Ann",0412 345 678,2031-03-05,09:00,North Sydney,HCF
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await RemindctlTests.remindctl(["preview", file, "--config", d.config, "--at", "2031-03-01T09:00:00+11:00"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "columns:", "\(r.stdout)")
        for expected in [
            "Appt         → id", "Patient Name → first_name and last_name (split)", "Mobile Phone → phone", "Date         → date",
            "Time         → time", "Site         → location", "Insurer      → insurer (extra)",
        ] {
            #expect(lines.contains(expected), "missing '\(expected)' in \(r.stdout)")
        }
        // The Site column chose the North Sydney template, with the split first name.
        #expect(r.stdout.contains("Hi Ann, see you"), "\(r.stdout)")
        #expect(r.stdout.contains("at our North Sydney rooms"), "\(r.stdout)")
    }
}
