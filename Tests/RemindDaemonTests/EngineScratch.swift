import Foundation
import InMemoryLogging
import Logging
import RemindAssembly
@testable import RemindDaemon
import RemindCore
import RemindDelivery
import RemindSchedule
import RemindSpool
import RemindTesting
import SystemdKit

/// What the engine tests' fixtures share: a scratch directory holding the spool, the
/// templates and a `remindd.toml` (the practice, spool and templates sections, then the
/// suite's own), engines built on it that log into memory, appointment exports dropped
/// into its inbox, and looks at the spool.
protocol EngineScratch {
    var root: String { get }
    var logs: InMemoryLogHandler { get }
}

/// The templates a scratch directory gets.
enum ScratchTemplates {
    /// `spool.example/templates`, as shipped.
    case examples
    /// One appointment template of one line: names, date, time, practice.
    case oneLine
}

extension EngineScratch {
    /// Makes a fresh scratch directory (`remindd-<name>-<uuid>` in the temporary
    /// directory) with `spool/inbox` and `directories` below it, the templates and the
    /// configuration; returns its path.
    static func makeScratch(_ name: String, templates: ScratchTemplates = .examples, directories: [String] = [], config: String) throws -> String {
        let root = NSTemporaryDirectory() + "remindd-\(name)-\(UUID().uuidString)"
        for directory in ["spool/inbox"] + directories {
            try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        switch templates {
        case .examples:
            let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../spool.example/templates").standardizedFileURL.path
            try FileManager.default.copyItem(atPath: examples, toPath: root + "/templates")
        case .oneLine:
            try FileManager.default.createDirectory(atPath: root + "/templates", withIntermediateDirectories: true)
            try "Hi {{first_name}}, see you on {{date}} at {{time}}. {{practice_name}}"
                .write(toFile: root + "/templates/appointment.mustache", atomically: true, encoding: .utf8)
        }
        try """
            [practice]
            name = "Harbour Dental"
            phone = "02 9999 0000"
            time_zone = "Australia/Sydney"
            [spool]
            root = "\(root)/spool"
            [templates]
            directory = "\(root)/templates"
            \(config)
            """.write(toFile: root + "/remindd.toml", atomically: true, encoding: .utf8)
        return root
    }

    var inbox: String { root + "/spool/inbox" }
    var spoolPaths: SpoolPaths { SpoolPaths(root: root + "/spool") }

    /// A new engine on the scratch spool (not yet recovered), logging into `logs` (at
    /// debug level when asked).
    func makeEngine(provider: any Provider, debug: Bool = false, clock: ManualClock? = nil) throws -> Engine {
        try Self.makeEngine(root: root, provider: provider, logs: logs, debug: debug, clock: clock)
    }

    /// ``makeEngine(provider:debug:)`` for a fixture's initialiser, before `self` is whole.
    /// With `clock`, the engine reads and sleeps on that manual clock instead of the wall clock.
    static func makeEngine(root: String, provider: any Provider, logs: InMemoryLogHandler, debug: Bool = false, clock: ManualClock? = nil) throws -> Engine {
        var logger = Logger(label: "test", factory: { _ in logs })
        if debug { logger.logLevel = .debug }
        let settings = try Assembly.load(configPath: root + "/remindd.toml")
        if let clock {
            return Engine(settings: settings, provider: provider, notifier: Notifier(), sleeper: clock, logger: logger, clock: clock)
        }
        return Engine(settings: settings, provider: provider, notifier: Notifier(), sleeper: try WallClockSleeper(), logger: logger)
    }

    /// Writes an appointment export (the example CSV columns; Ann Lee with Dr Patel in
    /// office 3) into the inbox.
    func dropAppointments(_ name: String, _ rows: [(id: String, phone: String, start: Date, status: String)]) throws {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Australia/Sydney")
        f.dateFormat = "yyyy-MM-dd,HH:mm"
        var csv = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Doctor,Office,Status\n"
        for r in rows { csv += "\(r.id),Ann,Lee,\(r.phone),\(f.string(from: r.start)),Dr Patel,3,\(r.status)\n" }
        try csv.write(toFile: inbox + "/" + name, atomically: false, encoding: .utf8)
    }

    /// The messages in a state (batch members included; see `SpoolInventory`), or the
    /// files of another spool directory.
    func files(_ state: String) -> [String] {
        if let s = MessageState(rawValue: state) { return files(in: s) }
        return ((try? FileManager.default.contentsOfDirectory(atPath: root + "/spool/" + state)) ?? []).sorted()
    }

    /// The messages in a state, batch members included.
    func files(in state: MessageState) -> [String] {
        (SpoolInventory.messages(in: spoolPaths)[state] ?? []).map { "\($0)" }.sorted()
    }

    /// Runs the release loop's actions until it would sleep or idle (at most `limit` steps).
    func drain(_ engine: Engine, limit: Int = 50) async {
        for _ in 0..<limit {
            switch await engine.nextAction() {
            case .release(let id): await engine.release(id)
            case .expire(let id, let reason): await engine.expire(id, reason: reason)
            case .sleep, .idle: return
            }
        }
    }

    /// The log lines of one event.
    func logged(_ event: EventID) -> [InMemoryLogHandler.Entry] {
        logs.entries.filter { $0.metadata[LogKey.messageID] == .string(event.rawValue) }
    }

    func removeScratch() { try? FileManager.default.removeItem(atPath: root) }
}
