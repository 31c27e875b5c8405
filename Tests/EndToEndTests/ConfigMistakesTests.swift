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
        let check = try RemindctlTests.remindctl(["check-config", "--config", d.config])
        #expect(check.status == 78)
        #expect(check.stderr.contains("template appointment.mustache is not in \(templates)"), "\(check.stderr)")

        let daemon = try d.launch()
        #expect(try await HostDaemon.wait(daemon, timeout: .seconds(30)), "remindd kept running without templates")
        #expect(daemon.terminationReason == .exit && daemon.terminationStatus == 78, "\(d.log())")
        #expect(d.log().contains("appointment.mustache"), "\(d.log())")
    }

    @Test func previewShowsWhichColumnFedWhichElement() throws {
        let d = try HostDaemon(label: "preview-columns")
        defer { d.cleanUp() }
        let file = d.root + "/export.csv"
        try """
            Appt,Patient Name,Mobile Phone,Date,Time,Site,Insurer
            A1,"Lee, Ann",0412 345 678,2031-03-05,09:00,North Sydney,HCF
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try RemindctlTests.remindctl(["preview", file, "--config", d.config, "--at", "2031-03-01T09:00:00+11:00"])
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
