import Foundation
import RemindCore
import SandboxSupport
import Testing

/// The files under `systemd/`, checked with systemd's own tools: the catalog compiled by
/// `journalctl --update-catalog`, the units by `systemd-analyze`, sysusers and tmpfiles
/// applied to a scratch root (never the real one), and the hardened unit run for real in
/// the sandbox with the journal probe in place of remindd.
@Suite struct SystemdFilesTests {
    static let directory = Sandbox.repositoryRoot + "/systemd"

    func host(_ argv: [String]) async throws -> String {
        let result = try await Sandbox.runOnHost(argv)
        try #require(result.status == 0, "\(argv.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        return result.stdout
    }

    // MARK: Catalog

    /// The catalog's entries as written: id → header lines and body.
    func catalogEntries() throws -> [String: (headers: [String: String], body: String)] {
        let text = try String(contentsOfFile: Self.directory + "/remindd.catalog", encoding: .utf8)
        var entries: [String: (headers: [String: String], body: String)] = [:]
        var current: String?
        var headers: [String: String] = [:]
        var body: [String] = []
        var inHeaders = false
        func flush() {
            guard let current else { return }
            #expect(entries[current] == nil, "duplicate catalog entry \(current)")
            entries[current] = (headers, body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("-- ") {
                flush()
                current = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                headers = [:]
                body = []
                inHeaders = true
            } else if current == nil || line.hasPrefix("#") {
                continue
            } else if inHeaders, let colon = line.firstIndex(of: ":"), !line.isEmpty {
                headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            } else {
                inHeaders = false
                body.append(line)
            }
        }
        flush()
        return entries
    }

    @Test func everyEventIDHasACatalogEntryAndNothingElseDoes() throws {
        let entries = try catalogEntries()
        let ids = Set(EventID.allCases.map(\.rawValue))
        #expect(Set(entries.keys) == ids)
        for event in EventID.allCases {
            let entry = try #require(entries[event.rawValue], "no catalog entry for EventID.\(event)")
            #expect(entry.headers["Subject"]?.isEmpty == false, "\(event): Subject")
            #expect(entry.headers["Defined-By"] == "remindd", "\(event): Defined-By")
            #expect(entry.headers["Documentation"]?.hasPrefix("man:") == true, "\(event): Documentation")
            #expect(entry.body.count > 80, "\(event): the body says what happened and what to do")
        }
    }

    @Test func journalctlCompilesTheCatalog() async throws {
        let root = try Sandbox.scratchDirectory("catalog-root")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/usr/lib/systemd/catalog", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Self.directory + "/remindd.catalog", toPath: root + "/usr/lib/systemd/catalog/remindd.catalog")
        _ = try await host(["journalctl", "--root=" + root, "--update-catalog"])
        let listed = try await host(["journalctl", "--root=" + root, "--list-catalog"])
        let ids = Set(listed.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        #expect(ids == Set(EventID.allCases.map(\.rawValue)))
        let started = try await host(["journalctl", "--root=" + root, "--dump-catalog", EventID.started.rawValue])
        #expect(started.contains("Subject: remindd started and recovered its spool"))
    }

    // MARK: Units

    func exposure(_ unit: String) async throws -> Double {
        let out = try await host(["systemd-analyze", "security", "--offline=true", "--no-pager", unit])
        let line = try #require(out.split(separator: "\n").last { $0.contains("Overall exposure level") })
        let figure = line.split(separator: ":").last?.split(separator: " ").first
        return try #require(figure.flatMap { Double($0) }, "no figure in \(line)")
    }

    @Test(arguments: ["remindd.service", "remindd@clinic.service"])
    func unitsAreHardenedToAnExposureOfAtMostOnePointFive(unit: String) async throws {
        let copy = try Sandbox.scratchDirectory("security")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let source = unit.contains("@") ? "remindd@.service" : unit
        try FileManager.default.copyItem(atPath: Self.directory + "/" + source, toPath: copy + "/" + source)
        let figure = try await exposure(copy + "/" + unit)
        #expect(figure <= 1.5, "systemd-analyze security: \(unit) \(figure)")
    }

    @Test(arguments: ["remindd.service", "remindd@clinic.service", "remindd-setup@clinic.service"])
    func unitsVerifyCleanly(unit: String) async throws {
        // The real binary is not installed here and the man pages come with the package:
        // point ExecStart at an existing program and leave man pages out.
        let copy = try Sandbox.scratchDirectory("verify")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        // remindd@ requires its setup unit: both are copied.
        for source in unit.contains("@") ? ["remindd@.service", "remindd-setup@.service"] : [unit] {
            let text = try String(contentsOfFile: Self.directory + "/" + source, encoding: .utf8)
            if source != "remindd-setup@.service" {
                #expect(text.contains("ExecStart=/usr/sbin/remindd --config /etc/remindd/"))
            }
            try text.replacingOccurrences(of: "ExecStart=/usr/sbin/remindd", with: "ExecStart=/bin/true")
                .write(toFile: copy + "/" + source, atomically: true, encoding: .utf8)
        }
        let result = try await Sandbox.runOnHost(["systemd-analyze", "verify", "--man=no", copy + "/" + unit])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "systemd-analyze verify: \(result.stderr)")
    }

    // MARK: sysusers and tmpfiles, into a scratch root

    @Test func sysusersAndTmpfilesCreateTheUsersAndDirectories() async throws {
        let root = try Sandbox.scratchDirectory("fs-root")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        for file in ["passwd", "group"] {
            try FileManager.default.copyItem(atPath: "/etc/" + file, toPath: root + "/etc/" + file)
        }
        // Both tools read the configuration from stdin ("-"), and --root keeps them inside root.
        _ = try await host(["/bin/sh", "-c", "systemd-sysusers --root=\"$0\" - < \"$1\"", root, Self.directory + "/remindd.sysusers"])
        _ = try await host(["/bin/sh", "-c", "systemd-tmpfiles --root=\"$0\" --create - < \"$1\"", root, Self.directory + "/remindd.tmpfiles"])

        func ids(_ file: String) throws -> [String: UInt32] {
            let text = try String(contentsOfFile: root + "/etc/" + file, encoding: .utf8)
            var map: [String: UInt32] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":", omittingEmptySubsequences: false)
                if parts.count > 2, let id = UInt32(parts[2]) { map[String(parts[0])] = id }
            }
            return map
        }
        let users = try ids("passwd"), groups = try ids("group")
        let remindd = try #require(users["remindd"])
        let reminddGroup = try #require(groups["remindd"])
        let inboxGroup = try #require(groups["remindd-inbox"])

        func check(_ path: String, mode: Int, owner: UInt32, group: UInt32) throws {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + path)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o7777 } == mode, "\(path) mode")
            #expect((attributes[.ownerAccountID] as? NSNumber)?.uint32Value == owner, "\(path) owner")
            #expect((attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value == group, "\(path) group")
        }
        try check("/var/spool/remindd", mode: 0o710, owner: remindd, group: inboxGroup)
        try check("/var/spool/remindd/inbox", mode: 0o2770, owner: remindd, group: inboxGroup)
        try check("/etc/remindd", mode: 0o750, owner: 0, group: reminddGroup)
        try check("/etc/remindd/credentials", mode: 0o700, owner: 0, group: 0)
    }

    // MARK: The hardened unit, for real

    @Test func theHardenedUnitRunsASwiftNotifyServiceUnderTheSandboxSystemd() async throws {
        let probe = try Sandbox.product("journal-probe")
        try await Sandbox.withSandbox { sandbox in
            try await sandbox.install([Self.directory + "/remindd.service"])
            // What an end-to-end test does: another binary, root (without capabilities),
            // no host paths that do not exist here.
            try await sandbox.installDropIn(
                for: "remindd.service", name: "test.conf",
                contents: """
                    [Service]
                    ExecStart=
                    ExecStart=\(probe)
                    User=
                    Group=
                    ReadWritePaths=
                    LoadCredential=
                    SetCredential=probe-secret:s3cret
                    """)
            try await sandbox.run(["systemctl", "start", "remindd.service"])
            #expect(try await sandbox.show("remindd.service", "ActiveState") == "active")
            #expect(try await sandbox.show("remindd.service", "StatusText") == "probing: entries written")
            #expect(try await sandbox.run(["stat", "-c", "%a", "/run/remindd"]) == "750\n")

            var started: [String: String]?
            try await sandbox.waitUntil("the probe's first entry") {
                started = try await sandbox.journalJSON("remindd.service", ["MESSAGE=probe started"]).first
                return started != nil
            }
            #expect(started?["JOURNAL_TARGET"] == "journal")
            #expect(started?["WATCHDOG_INTERVAL_US"] == "30000000")
            #expect(started?["CREDENTIAL_LENGTH"] == "6")

            try await sandbox.run(["systemctl", "reload", "remindd.service"])
            try await sandbox.waitUntil("running again after reload") {
                try await sandbox.show("remindd.service", "SubState") == "running"
            }
            #expect(try await sandbox.show("remindd.service", "StatusText") == "reloaded")

            try await sandbox.run(["systemctl", "stop", "remindd.service"])
            #expect(try await sandbox.show("remindd.service", "Result") == "success")
            #expect(try await sandbox.show("remindd.service", "ExecMainStatus") == "0")
        }
    }
}
