import Foundation
import SandboxSupport
import Testing

/// remindd run directly on the host (no systemd), for crash tests that abort or
/// `kill -9` the process many times: a scratch directory with a config (windows open
/// all week, stagger 0, lead one day, outbox provider), the example templates and a spool.
struct HostDaemon {
    let root: String
    /// The appointments' start in every export: about 23 hours after the harness was made.
    let start = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + 23 * 3600) / 60).rounded(.up) * 60)
    var spool: String { root + "/spool" }
    var inbox: String { spool + "/inbox" }
    var outbox: String { spool + "/outbox" }
    var config: String { root + "/remindd.toml" }
    static let timeZone = TimeZone(identifier: "Australia/Sydney")!

    /// The outbox, outside the spool (and so outside a file system mounted on it).
    var outsideOutbox: String { root + "/outbox" }

    init(label: String, extraSpool: String = "", outbox: String? = nil) throws {
        root = try Sandbox.scratchDirectory(label)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/spool/inbox", withIntermediateDirectories: true)
        try ExampleTemplates.copy(into: root + "/templates")
        try """
            [practice]
            name = "Harbour Dental"
            phone = "02 9999 0000"
            time_zone = "\(Self.timeZone.identifier)"
            [spool]
            root = "\(root)/spool"
            \(extraSpool)
            [templates]
            directory = "\(root)/templates"
            [schedule]
            lead = "1d"
            stagger = "0"
            windows = ["mon-sun 00:00-24:00"]
            [provider]
            type = "outbox"
            directory = "\(outbox == "" ? root + "/outbox" : outbox ?? root + "/spool/outbox")"
            [control]
            socket = "\(root)/control.sock"
            [log]
            target = "console"
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Starts remindd; `environment` is added to the test's own.
    func launch(environment: [String: String] = [:], prefix: [String] = [], log: String = "daemon.log") throws -> Process {
        let p = Process()
        let binary = try Sandbox.product("remindd")
        p.executableURL = URL(fileURLWithPath: prefix.first ?? binary)
        p.arguments = (prefix.isEmpty ? [] : Array(prefix.dropFirst()) + [binary]) + ["--config", config]
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = nil
        env["JOURNAL_STREAM"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let logPath = root + "/" + log
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        p.standardError = handle
        p.standardOutput = handle
        try p.run()
        return p
    }

    /// Waits for a process to end; false on timeout.
    /// On timeout it records what the process was doing (its state and each thread's
    /// kernel wait channel), so a slow exit on a loaded machine can be told from a hang.
    static func wait(_ p: Process, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while p.isRunning {
            if ContinuousClock.now > deadline {
                Issue.record("pid \(p.processIdentifier) still running after \(timeout): \(processState(p.processIdentifier))")
                return false
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// `/proc/PID/status`'s State line and every thread's name and wait channel.
    static func processState(_ pid: Int32) -> String {
        func read(_ path: String) -> String { ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines) }
        let state = read("/proc/\(pid)/status").split(separator: "\n").first { $0.hasPrefix("State:") } ?? "State: gone"
        let threads = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).sorted().map { tid in
            "\(tid) \(read("/proc/\(pid)/task/\(tid)/comm")) \(read("/proc/\(pid)/task/\(tid)/wchan"))"
        }
        return "\(state); threads: \(threads.joined(separator: ", "))"
    }

    /// Polls `condition` until it holds; false on timeout.
    static func waitUntil(timeout: Duration, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    /// Writes an export of `count` appointments at `start` (so, with a one-day
    /// lead, due now), one mobile number per row, the way a careful exporter does.
    func dropExport(_ name: String, count: Int, first: Int = 1, start: Date? = nil, directory: String? = nil) throws {
        let start = start.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 / 60).rounded(.up) * 60) } ?? self.start
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = Self.timeZone
        f.dateFormat = "yyyy-MM-dd"
        let day = f.string(from: start)
        f.dateFormat = "HH:mm"
        let time = f.string(from: start)
        var csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\r\n"
        for i in first..<(first + count) {
            csv += "A-\(i),Ann,Lee,\(Self.mobile(i)),\(day),\(time),Dr Patel,3,Scheduled\r\n"
        }
        let dir = directory ?? inbox
        if name.hasPrefix(".") {
            try csv.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
        } else {
            try csv.write(toFile: dir + "/." + name + ".part", atomically: false, encoding: .utf8)
            try FileManager.default.moveItem(atPath: dir + "/." + name + ".part", toPath: dir + "/" + name)
        }
    }

    static func mobile(_ i: Int) -> String { String(format: "0412 %03d %03d", i / 1000, i % 1000) }
    static func e164(_ i: Int) -> String { String(format: "61412%03d%03d", i / 1000, i % 1000) }

    /// The messages in a message state (own files and batch members, see `SpoolListing`),
    /// or the files of another directory.
    func files(in state: String, root: String? = nil) -> [String] {
        if SpoolListing.states.contains(state) { return SpoolListing.messages(root: root ?? spool, state: state).map(\.id) }
        return ((try? FileManager.default.contentsOfDirectory(atPath: (root ?? spool) + "/" + state)) ?? []).filter { !$0.hasPrefix(".") }
    }

    /// Every message in every state (own files and batch members): its `Key:` record id,
    /// per state (a snapshot only once the daemon has stopped).
    func keysByState() throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for state in SpoolListing.states {
            for (name, text) in SpoolListing.messages(root: spool, state: state) {
                // A running daemon may move the file between the listing and the read.
                guard let text else {
                    if FileManager.default.fileExists(atPath: spool + "/" + state + "/" + name) { out["unreadable", default: []].append(name) }
                    continue
                }
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Key: ") }) else {
                    out["unreadable", default: []].append(name)
                    continue
                }
                out[state, default: []].append(String(line.split(separator: "/")[1]))
            }
        }
        return out
    }

    /// The `To:` numbers of every outbox file.
    func outboxRecipients(_ directory: String? = nil) throws -> [String] {
        let dir = directory ?? (FileManager.default.fileExists(atPath: outsideOutbox) ? outsideOutbox : outbox)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("remindd-") }
        return try names.map { name in
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            return String(text.split(separator: "\n").first ?? "").replacingOccurrences(of: "To: ", with: "")
        }
    }

    func log(_ name: String = "daemon.log") -> String {
        (try? String(contentsOfFile: root + "/" + name, encoding: .utf8)) ?? ""
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
