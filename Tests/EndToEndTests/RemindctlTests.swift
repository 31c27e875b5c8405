import Foundation
import RemindTesting
import SandboxSupport
import Testing

/// remindctl as a sysadmin runs it: the real binary, real files.
@Suite struct RemindctlTests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs remindctl with `args`; with `prefix` (`setpriv --reuid=…`), through it. Waits
    /// off the cooperative pool (RemindTesting's `runCommand`).
    static func remindctl(_ args: [String], prefix: [String] = []) async throws -> Output {
        let binary = try Sandbox.product("remindctl")
        let r = try await runCommand(prefix.first ?? binary, (prefix.isEmpty ? [] : Array(prefix.dropFirst()) + [binary]) + args)
        return Output(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    func scratchConfig(_ toml: String) throws -> (dir: String, path: String) {
        let dir = try Sandbox.scratchDirectory("remindctl")
        try ExampleTemplates.copy(into: dir + "/templates")
        try toml.write(toFile: dir + "/remindd.toml", atomically: true, encoding: .utf8)
        return (dir, dir + "/remindd.toml")
    }

    /// remindctl run by a user who may not reach the control socket (its directory closed
    /// to them, as /run/remindd is to users outside group remindd) says so and exits 77,
    /// instead of "remindd is not running" or a raw Foundation error.
    @Test func aUserWhoMayNotReachTheSocketIsToldToJoinTheGroup() async throws {
        let setpriv = "/usr/bin/setpriv"
        try #require(FileManager.default.isExecutableFile(atPath: setpriv), "util-linux's setpriv is required")
        let (dir, config) = try scratchConfig("""
            [practice]
            name = "Harbour Dental"
            phone = "02 9999 0000"
            time_zone = "Australia/Sydney"
            [spool]
            root = "@DIR@/spool"
            [templates]
            directory = "@DIR@/templates"
            [control]
            socket = "@DIR@/run/control.sock"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let toml = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "@DIR@", with: dir)
        try toml.write(toFile: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config)
        // A socket something listens on, in a directory only root may enter.
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = dir + "/run/control.sock"
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0 && listen(fd, 4) == 0)
        func asNobody(_ args: [String]) async throws -> Output {
            try await Self.remindctl(args + ["--config", config], prefix: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"])
        }
        for args in [["status"], ["hold", "032AA0F97D43493F"], ["optout", "add", "0412345678"], ["forecast"]] {
            let r = try await asNobody(args)
            #expect(r.status == 77, "\(args): \(r.status) \(r.stdout) \(r.stderr)")
            let all = r.stdout + r.stderr
            #expect(all.contains("permission denied") && all.contains("join group remindd"), "\(args): \(all)")
            #expect(!all.contains("not running") && !all.contains("NSCocoaErrorDomain"), "\(args): \(all)")
        }
    }

    /// `remindctl replies` reads the spool's replies/ files itself (no daemon), masked
    /// unless `--full`, in the practice's time zone.
    @Test func repliesListsTheRepliesFilesMasked() async throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "Australia/Sydney"
            [spool]
            root = "spool"
            [templates]
            directory = "templates"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/spool/replies", withIntermediateDirectories: true)
        let now = ISO8601DateFormatter().string(from: Date())
        let hourAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
        try """
            {"appointment_id":"A-1","from":"+61412345678","from_masked":"+614******78","in_reply_to":"032AA0F97D43493F","kind":"appointment","opt_out":true,"received":"\(hourAgo)","source":"practice","text":"STOP"}
            {"from":"+61423456789","from_masked":"+614******89","opt_out":false,"received":"\(now)","text":"Running late,\\nsorry"}
            {"torn
            """.write(toFile: dir + "/spool/replies/today.jsonl", atomically: true, encoding: .utf8)
        let r = try await Self.remindctl(["replies", "--config", path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(r.stdout)")
        #expect(lines[1].contains("+614******78") && lines[1].contains("yes") && lines[1].contains("032AA0F97D43493F") && lines[1].hasSuffix(" STOP"))
        #expect(lines[2].contains("+614******89") && lines[2].hasSuffix(" Running late, sorry"))
        #expect(lines[3] == "2 replies")
        #expect(!r.stdout.contains("412345678"))
        let full = try await Self.remindctl(["replies", "--config", path, "--full", "--opt-outs"])
        #expect(full.status == 0)
        #expect(full.stdout.contains("+61412345678") && !full.stdout.contains("Running late"))
        let json = try await Self.remindctl(["replies", "--config", path, "--json"])
        #expect(json.stdout.split(separator: "\n").count == 2)
        #expect(json.stdout.contains("\"from\":\"+614******78\"") && !json.stdout.contains("412345678"))
    }

    @Test func checkConfigAcceptsAGoodFile() async throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "Australia/Sydney"
            [spool]
            root = "spool"
            [templates]
            directory = "templates"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await Self.remindctl(["check-config", "--config", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("OK"))
        #expect(r.stdout.contains("Australia/Sydney"))
    }

    @Test func checkConfigNamesEveryBadKeyAndFails() async throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "Mars/Olympus"
            [schedule]
            stager = "2m"
            [templates]
            directory = "templates"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await Self.remindctl(["check-config", "--config", path])
        #expect(r.status == 78)
        #expect(r.stderr.contains("\(path): schedule.stager: unknown key"))
        #expect(r.stderr.contains("\(path): practice.time_zone: 'Mars/Olympus' is not a time zone"))
    }

    @Test func checkConfigRejectsABadTemplate() async throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "UTC"
            [templates]
            directory = "templates"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "Hi {{frist_name}}".write(toFile: dir + "/templates/appointment.mustache", atomically: true, encoding: .utf8)
        let r = try await Self.remindctl(["check-config", "--config", path])
        #expect(r.status == 78)
        #expect(r.stderr.contains("appointment.mustache"))
        #expect(r.stderr.contains("frist_name"))
    }

    @Test func checkConfigListsTheSourcesAndRefusesAMissingTemplateAsTheDaemonWould() async throws {
        let toml = """
            [practice]
            time_zone = "Australia/Sydney"
            [templates]
            directory = "templates"
            extra_elements = ["insurer"]
            [[source]]
            name = "recalls"
            kind = "recall"
            subdirectory = "recalls"
            [[source]]
            name = "flu"
            kind = "broadcast"
            pattern = "flu*.csv"
            template = "flu-clinic"
            """
        let (dir, path) = try scratchConfig(toml)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try await Self.remindctl(["check-config", "--config", path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("source     recalls: recall csv from inbox/recalls/"), "\(good.stdout)")
        #expect(good.stdout.contains("source     flu: broadcast csv from files matching flu*.csv"), "\(good.stdout)")

        // A variant that is not there, and a template naming an extra column that is not listed.
        try (toml.replacingOccurrences(of: "flu-clinic", with: "measles")).write(toFile: path, atomically: true, encoding: .utf8)
        try "Hi {{first_name}}, due: {{reason}} ({{insurer}}{{clinic_room}})".write(
            toFile: dir + "/templates/recall.mustache", atomically: true, encoding: .utf8)
        let bad = try await Self.remindctl(["check-config", "--config", path])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("source flu: template broadcast.measles.mustache is not in"), "\(bad.stderr)")
        #expect(bad.stderr.contains("clinic_room"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("insurer"), "a listed extra element was refused: \(bad.stderr)")
        #expect(!bad.stderr.contains("{{reason}}") && !bad.stderr.contains("reason:"), "\(bad.stderr)")
    }

    @Test func statusReadsTheSpoolWhenTheDaemonIsDown() async throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            time_zone = "UTC"
            [spool]
            root = "\(Sandbox.repositoryRoot)/spool.example"
            [control]
            socket = "/nonexistent/remindd.sock"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await Self.remindctl(["status", "--config", path])
        #expect(r.status == 3)
        #expect(r.stdout.contains("remindd is not running"))
        #expect(r.stdout.contains("queued     1"))
        #expect(r.stdout.contains("inbox      1 file(s) waiting"))
        // As the README shows it, and as systemctl users type it: the option first.
        for first in [["--config", path, "status"], ["--config=\(path)", "status"]] {
            let before = try await Self.remindctl(first)
            #expect(before.status == 3, "\(first): \(before.stderr)")
            #expect(before.stdout == r.stdout, "\(first)")
        }
        let nested = try await Self.remindctl(["--config", path, "optout", "list"])
        #expect(nested.status == 0, "\(nested.stderr)")
        #expect(nested.stdout.contains("0 number(s) opted out"))
    }
}

extension RemindctlTests {
    @Test func previewShowsTextLengthEncodingAndSegments() async throws {
        let (dir, path) = try scratchConfig("""
            [practice]
            name = "Harbour Dental"
            phone = "02 9999 0000"
            time_zone = "Australia/Sydney"
            [templates]
            directory = "templates"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status
            A-1,Zoë,Łukasiewicz,0412 345 678,2026-11-26,10:30,Dr Patel,3,Scheduled
            A-2,Ann,Lee,0412 345 679,2026-11-26,11:00,Dr Patel,3,Scheduled
            A-3,Bob,Ng,0412 345 670,not a date,11:00,Dr Patel,3,Scheduled

            """.write(toFile: dir + "/sample.csv", atomically: true, encoding: .utf8)
        // Before the appointments, as the daemon would receive the export.
        let r = try await Self.remindctl(["preview", "--config", path, "--json", "--at", "2026-11-20T09:00:00+11:00", dir + "/sample.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(rows.count == 3)
        #expect(rows[0]["encoding"] as? String == "ucs2")
        #expect(rows[0]["segments"] as? Int == 2)  // 134 UCS-2 units: two parts of 67
        #expect(rows[0]["length"] as? Int == 134)
        #expect(rows[1]["encoding"] as? String == "gsm7")
        #expect(rows[1]["segments"] as? Int == 1)
        #expect(rows[1]["text"] as? String == "Hi Ann, this is a reminder of your appointment with Dr Patel on Thu 26 Nov at 11:00 am. Call 02 9999 0000 to change it. Harbour Dental")
        #expect(rows[2]["line"] as? Int == 4)
        #expect((rows[2]["rejected"] as? String)?.contains("Date") == true)
        #expect(!r.stdout.contains("412345678"), "numbers are masked")
    }
}
