import Foundation
import SandboxSupport

/// A remindd installation inside a systemd sandbox: a scratch directory with a config,
/// the example templates and a spool, the real unit from `systemd/` plus a drop-in that
/// points it at them.
struct DaemonHarness {
    let sandbox: Sandbox
    let root: String
    let unit: String
    var spool: String { root + "/spool" }
    var inbox: String { spool + "/inbox" }
    var outbox: String { spool + "/outbox" }
    var config: String { root + "/remindd.toml" }
    static let timeZone = TimeZone(identifier: "Australia/Sydney")!

    /// Writes a config whose windows are open all week (unless `windows` is given) and whose
    /// stagger is `stagger`, installs the unit (`remindd@.service` for an instance such as
    /// `remindd@a.service`) and a drop-in pointing it at the config.
    /// - Parameters:
    ///   - extraDropIn: more `[Service]` lines for the drop-in; `@ROOT@` stands for `root`.
    ///   - controlSocket: whether the config names a control socket (`root/control.sock`);
    ///     without one the daemon uses its default, `$RUNTIME_DIRECTORY/control.sock`.
    static func make(
        _ sandbox: Sandbox, unit: String = "remindd.service", stagger: String = "2s", lead: String = "1d",
        windows: [String] = ["mon-sun 00:00-24:00"], drainWarning: String = "2d", extraDropIn: String = "",
        controlSocket: Bool = true, logLevel: String = "info"
    ) async throws -> DaemonHarness {
        let root = try Sandbox.scratchDirectory("e2e")
        let h = DaemonHarness(sandbox: sandbox, root: root, unit: unit)
        let fm = FileManager.default
        try fm.createDirectory(atPath: h.inbox, withIntermediateDirectories: true)
        try ExampleTemplates.copy(into: root + "/templates")
        try """
            [practice]
            name = "Harbour Dental"
            phone = "02 9999 0000"
            time_zone = "\(timeZone.identifier)"
            [spool]
            root = "\(h.spool)"
            [templates]
            directory = "\(root)/templates"
            [schedule]
            lead = "\(lead)"
            stagger = "\(stagger)"
            windows = [\(windows.map { "\"\($0)\"" }.joined(separator: ", "))]
            drain_warning = "\(drainWarning)"
            \(controlSocket ? "[control]\nsocket = \"\(root)/control.sock\"" : "")
            [log]
            target = "journal"
            level = "\(logLevel)"
            """.write(toFile: h.config, atomically: true, encoding: .utf8)
        let unitFile = unit.contains("@") ? "remindd@.service" : "remindd.service"
        try await sandbox.install([Sandbox.repositoryRoot + "/systemd/" + unitFile])
        if unit.contains("@") {
            // remindd@ requires its setup unit; the harness's directories exist already
            // (FreshInstallTests runs the real one).
            try await sandbox.install([Sandbox.repositoryRoot + "/systemd/remindd-setup@.service"])
            try await sandbox.installDropIn(
                for: unit.replacingOccurrences(of: "remindd@", with: "remindd-setup@"), name: "test.conf",
                contents: "[Service]\nExecStart=\nExecStart=/bin/true\n")
        }
        try await sandbox.installDropIn(for: unit, name: "test.conf", contents: """
            [Service]
            ExecStartPre=
            ExecStart=
            ExecStart=\(try Sandbox.product("remindd")) --config \(h.config)
            User=
            Group=
            ReadWritePaths=
            ReadWritePaths=\(root)
            LoadCredential=
            \(extraDropIn.replacingOccurrences(of: "@ROOT@", with: root))
            """)
        return h
    }

    func start() async throws {
        try await sandbox.run(["systemctl", "start", unit])
    }

    func status() async throws -> String { try await sandbox.show(unit, "StatusText") }

    /// Writes a file into the inbox the way a well-behaved exporter does: a dotfile,
    /// then a rename.
    func drop(_ name: String, _ contents: String) throws {
        let temporary = inbox + "/." + name + ".part"
        try contents.write(toFile: temporary, atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: temporary, toPath: inbox + "/" + name)
    }

    /// Outbox files (`remindd-*`) with their modification times, oldest first.
    func outboxFiles() throws -> [(name: String, text: String, modified: Double)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasPrefix("remindd-") }
        return try names.map { name in
            var st = stat()
            stat(outbox + "/" + name, &st)
            let t = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            return (name, try String(contentsOfFile: outbox + "/" + name, encoding: .utf8), t)
        }.sorted { $0.modified < $1.modified }
    }

    /// The messages in a message state (own files and batch members, see `SpoolListing`),
    /// or the files of another directory.
    func files(in state: String) -> [String] {
        if SpoolListing.states.contains(state) { return SpoolListing.messages(root: spool, state: state).map(\.id).sorted() }
        return ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/" + state)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// A CSV export line's date and time fields for an instant, in the practice's zone.
    static func dateAndTime(_ date: Date) -> (String, String) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = "yyyy-MM-dd"
        let d = f.string(from: date)
        f.dateFormat = "HH:mm"
        return (d, f.string(from: date))
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
