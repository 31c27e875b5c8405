import Foundation
import SandboxSupport
import Testing

extension SandboxLane2 {
    /// `remindd@NAME` on a fresh host (#15 item 7): the files `make install` copies, the
    /// users `systemd-sysusers` makes from them and the directories `systemd-tmpfiles` makes
    /// from them, and nothing else. The first `systemctl start remindd@clinic` used to fail
    /// with 226/NAMESPACE (ReadWritePaths= of a spool that did not exist yet) and then
    /// 243/CREDENTIALS (a credentials directory no one had made).
    ///
    /// The host's file system is shared with the sandbox, so the install goes into a scratch
    /// DESTDIR and the units' absolute paths are given that prefix: a text substitution of
    /// `/usr/sbin/remindd`, `/etc/remindd` and `/var/spool/remindd`, the units otherwise as
    /// shipped (User=remindd, the hardening, ReadWritePaths=, LoadCredential=). The users are
    /// made on the host (the sandbox's systemd resolves User= there) by the shipped
    /// sysusers.d file, and copied into the scratch root so tmpfiles --root finds them.
    @Suite struct FreshInstallTests {
        @Test func aTemplateInstanceStartsOnAFreshInstallAndKeepsTheDirectoryModesItFinds() async throws {
            let root = try Sandbox.scratchDirectory("fresh-install")
            defer { try? FileManager.default.removeItem(atPath: root) }
            let built = URL(fileURLWithPath: try Sandbox.product("remindd")).deletingLastPathComponent().path
            try await host(["make", "-s", "-C", Sandbox.repositoryRoot, "install-files", "DESTDIR=" + root, "BUILT=" + built])
            try await host(["systemd-sysusers", root + "/usr/lib/sysusers.d/remindd.conf"])
            let passwd = try await host(["getent", "passwd", "remindd"])
            let group = try await host(["getent", "group", "remindd", "remindd-inbox"])
            try passwd.write(toFile: root + "/etc/passwd", atomically: true, encoding: .utf8)
            try group.write(toFile: root + "/etc/group", atomically: true, encoding: .utf8)
            try await host(["systemd-tmpfiles", "--root=" + root, "--create", root + "/usr/lib/tmpfiles.d/remindd.conf"])

            let units = ["remindd@.service", "remindd-setup@.service"].map { root + "/lib/systemd/system/" + $0 }
            for unit in units {
                var text = try String(contentsOfFile: unit, encoding: .utf8)
                for path in ["/usr/sbin/remindd", "/etc/remindd", "/var/spool/remindd"] {
                    text = text.replacingOccurrences(of: path, with: root + path)
                }
                try text.write(toFile: unit, atomically: true, encoding: .utf8)
            }
            let spool = root + "/var/spool/remindd/clinic"
            try """
                [practice]
                name = "Harbour Dental"
                phone = "02 9999 0000"
                time_zone = "\(DaemonHarness.timeZone.identifier)"
                [spool]
                root = "\(spool)"
                [templates]
                directory = "\(root)/etc/remindd/templates"
                [schedule]
                stagger = "0"
                windows = ["mon-sun 00:00-24:00"]
                """.write(toFile: root + "/etc/remindd/clinic.toml", atomically: true, encoding: .utf8)
            try await host(["chgrp", "remindd", root + "/etc/remindd/clinic.toml"])
            try await host(["chmod", "0640", root + "/etc/remindd/clinic.toml"])
            #expect(!FileManager.default.fileExists(atPath: spool))
            #expect(!FileManager.default.fileExists(atPath: root + "/etc/remindd/credentials/clinic"))

            try await Sandbox.withSandbox { sandbox in
                try await sandbox.install(units)
                try await sandbox.run(["systemctl", "start", "remindd@clinic.service"])
                #expect(try await sandbox.show("remindd@clinic.service", "ActiveState") == "active")
                #expect(try await sandbox.show("remindd@clinic.service", "ExecMainStatus") == "0")
                #expect(try await sandbox.show("remindd-setup@clinic.service", "Result") == "success")
                #expect(try mode(spool) == ("710", "remindd", "remindd-inbox"))
                #expect(try mode(spool + "/inbox") == ("2770", "remindd", "remindd-inbox"))
                #expect(try mode(root + "/etc/remindd/credentials/clinic") == ("700", "root", "root"))

                // It works: an export in the inbox reaches the outbox, written by user remindd.
                let csv = DaemonHarness.csv([.init(id: "F-1", first: "Ann", mobile: "0455 000 001", at: DaemonHarness.dueNow)])
                try csv.write(toFile: spool + "/inbox/.export.csv.part", atomically: false, encoding: .utf8)
                try FileManager.default.moveItem(atPath: spool + "/inbox/.export.csv.part", toPath: spool + "/inbox/export.csv")
                try await sandbox.waitUntil("the reminder reaches the outbox") {
                    ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/outbox")) ?? []).contains { $0.hasPrefix("remindd-") }
                }

                // A site that opened its inbox to another reader keeps that after a stop and start.
                try await sandbox.run(["systemctl", "stop", "remindd@clinic.service", "remindd-setup@clinic.service"])
                try await host(["chmod", "2775", spool + "/inbox"])
                try await sandbox.run(["systemctl", "start", "remindd@clinic.service"])
                #expect(try await sandbox.show("remindd@clinic.service", "ActiveState") == "active")
                #expect(try mode(spool + "/inbox") == ("2775", "remindd", "remindd-inbox"))
                try await sandbox.run(["systemctl", "stop", "remindd@clinic.service"])
            }
        }

        /// Runs a command on the host; its standard output, or a failure naming it.
        @discardableResult
        func host(_ argv: [String]) async throws -> String {
            let result = try await Sandbox.runOnHost(argv)
            try #require(result.status == 0, "\(argv.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
            return result.stdout
        }

        /// A directory's mode (octal, as `stat -c %a` prints it), owner and group.
        func mode(_ path: String) throws -> (String, String, String) {
            let a = try FileManager.default.attributesOfItem(atPath: path)
            let bits = (a[.posixPermissions] as? Int ?? 0)
            var st = stat()
            stat(path, &st)
            let special = (st.st_mode & S_ISGID) != 0 ? "2" : ""
            return (special + String(bits & 0o777, radix: 8), a[.ownerAccountName] as? String ?? "?", a[.groupOwnerAccountName] as? String ?? "?")
        }
    }
}
