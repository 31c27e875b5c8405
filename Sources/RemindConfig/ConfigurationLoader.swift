import Foundation
import RemindCore
import RemindInbox
import RemindRecipients
import RemindSchedule
import RemindSpool
import RemindText
import TOMLKit

extension Configuration {
    /// The default path, `/etc/remindd/remindd.toml`.
    public static let defaultPath = "/etc/remindd/remindd.toml"

    /// Reads and validates a configuration file.
    public static func load(path: String) throws(ConfigError) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(code: .unreadable, file: path, problems: [.init(key: "", reason: "cannot read the file (\(Self.reason(error)))")])
        }
        return try parse(text, file: path)
    }

    /// Validates configuration text; `file` names it in errors and resolves relative paths.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> Configuration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(code: .syntax, file: file, problems: [.init(key: "", reason: error.description, line: error.source.begin.line)])
        } catch {
            throw ConfigError(code: .syntax, file: file, problems: [.init(key: "", reason: "\(error)")])
        }
        var reader = Reader(base: URL(fileURLWithPath: file).deletingLastPathComponent().path)
        let config = reader.read(table, file: file)
        if !reader.problems.isEmpty { throw ConfigError(code: .invalid, file: file, problems: reader.problems) }
        return config
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}

/// Walks the TOML table, collecting values and problems.
struct Reader {
    let base: String
    var problems: [ConfigError.Problem] = []

    init(base: String) { self.base = base }

    mutating func problem(_ key: String, _ reason: String) { problems.append(.init(key: key, reason: reason)) }

    mutating func read(_ root: TOMLTable, file: String) -> Configuration {
        var c = Configuration(
            file: file, practice: .init(), spool: .init(), input: .init(), text: .init(), schedule: .init(),
            provider: .outbox(directory: ""), control: .init(), log: .init())
        let sections = ["practice", "spool", "input", "inbox", "source", "templates", "schedule", "recipients", "provider", "control", "log"]
        for key in root.keys where !sections.contains(key) {
            problem(key, "unknown key (known sections: \(sections.joined(separator: ", ")))")
        }
        if let t = section(root, "practice", known: ["name", "phone", "sender", "time_zone", "locale", "region"]) {
            c.practice.name = string(t, "practice", "name") ?? c.practice.name
            c.practice.phone = string(t, "practice", "phone") ?? c.practice.phone
            if let tz = string(t, "practice", "time_zone") {
                if let zone = TimeZone(identifier: tz) { c.practice.timeZone = zone } else {
                    problem("practice.time_zone", "'\(tz)' is not a time zone of the tz database (like Australia/Sydney)")
                }
            } else {
                problem("practice.time_zone", "required (the practice's time zone, like Australia/Sydney)")
            }
            c.practice.locale = string(t, "practice", "locale") ?? c.practice.locale
            if let sender = string(t, "practice", "sender") {
                do {
                    try SenderID.check(sender)
                    c.practice.sender = sender
                } catch {
                    problem("practice.sender", error.message)
                }
            }
            if let region = string(t, "practice", "region") {
                if PhoneNumberNormalizer.isSupported(region: region) { c.practice.region = region } else {
                    let hint = PhoneNumberNormalizer.isSupported(region: region.uppercased()) ? " (write it in upper case: \(region.uppercased()))"
                        : region.uppercased() == "UK" ? " (the United Kingdom is GB)" : ""
                    problem("practice.region", "'\(region)' is not a region libphonenumber knows: an ISO 3166 country code like AU, GB, NZ\(hint)")
                }
            }
        } else {
            problem("practice", "required section missing (at least time_zone)")
        }
        if let t = section(root, "spool", known: ["root", "inbox", "interrupted", "retention"]) {
            c.spool.root = path(t, "spool", "root") ?? c.spool.root
            c.spool.inbox = path(t, "spool", "inbox")
            if let v = string(t, "spool", "interrupted") {
                if let policy = InterruptedPolicy(rawValue: v) { c.spool.interrupted = policy } else {
                    problem("spool.interrupted", "'\(v)' is not one of hold, resend")
                }
            }
            if let d = duration(t, "spool", "retention") {
                if d < .seconds(3600) { problem("spool.retention", "must be at least 1h") } else { c.spool.retention = d }
            }
        }
        if let t = section(root, "input", known: Self.inputKeys) {
            readInput(t, key: "input", into: &c.input)
        }
        if let t = section(root, "templates", known: ["directory", "max_length", "max_segments", "transliterate", "date_format", "time_format", "weekday_format", "datetime_format", "field_limits", "extra_elements"]) {
            c.text.directory = path(t, "templates", "directory") ?? c.text.directory
            if let n = int(t, "templates", "max_length", TextSettings.maxLengthRange) { c.text.settings.maxLength = n }
            if let n = int(t, "templates", "max_segments", TextSettings.maxSegmentsRange) { c.text.settings.maxSegments = n }
            if let b = bool(t, "templates", "transliterate") { c.text.settings.transliterate = b }
            c.text.dateFormats.date = string(t, "templates", "date_format") ?? c.text.dateFormats.date
            c.text.dateFormats.time = string(t, "templates", "time_format") ?? c.text.dateFormats.time
            c.text.dateFormats.weekday = string(t, "templates", "weekday_format") ?? c.text.dateFormats.weekday
            c.text.dateFormats.datetime = string(t, "templates", "datetime_format") ?? c.text.dateFormats.datetime
            if let names = strings(t, "templates", "extra_elements") {
                for (i, name) in names.enumerated() where !TemplateElement.isValidName(name) {
                    problem("templates.extra_elements[\(i)]", "\"\(name)\" is not an element name (lowercase letters, digits and _, starting with a letter)")
                }
                c.text.extraElements = Configuration.Templates.standardExtraElements.union(names)
            }
            if let fl = t["field_limits"] {
                if let ft = fl.table {
                    for k in ft.keys {
                        if let n = ft[k]?.int, n > 0 { c.text.settings.fieldLimits[k] = n } else { problem("templates.field_limits.\(k)", "must be a positive integer") }
                    }
                } else { problem("templates.field_limits", "must be a table of element = length") }
            }
        }
        if let t = section(root, "schedule", known: ["lead", "reminders", "stagger", "windows", "drain_warning", "closed_dates"]) {
            if let d = duration(t, "schedule", "lead") { c.schedule.lead = d }
            if let r = t["reminders"] { c.schedule.reminders = reminders(r) }
            if let text = t["stagger"]?.string, let perSlash = text.firstIndex(of: "/") {
                // "6/min" or "100/h": a rate, turned into the spacing that never exceeds it.
                let count = Int(text[..<perSlash].trimmingCharacters(in: .whitespaces))
                let unit = text[text.index(after: perSlash)...].trimmingCharacters(in: .whitespaces)
                if let count, count > 0, ["min", "m", "h", "hour"].contains(unit) {
                    let perMinute = ReleaseRate.perMinute(count).interval
                    c.schedule.stagger = unit.hasPrefix("h") ? perMinute * 60 : perMinute
                } else {
                    problem("schedule.stagger", "'\(text)' is not a rate (like 6/min or 100/h) or a duration (like 2m)")
                }
            } else if let d = duration(t, "schedule", "stagger") { c.schedule.stagger = d }
            if let d = duration(t, "schedule", "drain_warning") { c.schedule.drainWarning = d }
            if let list = strings(t, "schedule", "windows") {
                var windows: [DeliveryWindow] = []
                for (i, w) in list.enumerated() {
                    switch WindowText.parse(w) {
                    case .success(let ws): windows += ws
                    case .failure(let reason): problem("schedule.windows[\(i)]", "'\(w)': \(reason)")
                    }
                }
                c.schedule.windows = windows
            }
            if let file = path(t, "schedule", "closed_dates") {
                c.schedule.closedDatesFile = file
                do {
                    c.schedule.closedDates = try ClosedDatesFile.load(path: file)
                } catch {
                    problems += Self.problems(error)
                }
            }
        }
        if let t = section(root, "recipients", known: ["fields", "types", "opt_out_keywords", "daily_limit"]) {
            if let fields = strings(t, "recipients", "fields") {
                if fields.isEmpty || fields.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    problem("recipients.fields", "must list at least one column, none empty (like [\"phone\", \"home phone\"])")
                } else { c.recipients.fields = PhoneFields(fields) }
            }
            if let names = strings(t, "recipients", "types") {
                var types: Set<PhoneNumberType> = []
                for (i, name) in names.enumerated() {
                    if let type = PhoneNumberType(rawValue: name) { types.insert(type) } else {
                        problem("recipients.types[\(i)]", "'\(name)' is not a number type (\(PhoneNumberType.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                }
                if names.isEmpty { problem("recipients.types", "must list at least one type (like [\"mobile\"])") } else { c.recipients.types = types }
            }
            if let words = strings(t, "recipients", "opt_out_keywords") {
                if words.isEmpty || words.contains(where: { !$0.contains(where: { $0.isLetter || $0.isNumber }) }) {
                    problem("recipients.opt_out_keywords", "must list at least one word, each with a letter or digit")
                } else { c.recipients.optOutKeywords = OptOutKeywords(words) }
            }
            if let limit = int(t, "recipients", "daily_limit", 0...1000) { c.recipients.dailyLimit = limit }
        }
        readInbox(root, into: &c)
        readSources(root, into: &c)
        readProvider(root, into: &c)
        if let t = section(root, "control", known: ["socket"]) {
            if let socket = path(t, "control", "socket") {
                // A Unix socket's path holds at most 107 bytes (sun_path): longer, the daemon
                // could not listen, and remindctl could not reach it.
                if socket.utf8.count > Self.maxSocketPath {
                    problem("control.socket", "'\(socket)' is \(socket.utf8.count) bytes long; a Unix socket's path holds at most \(Self.maxSocketPath)")
                } else {
                    c.control.socket = socket
                }
            }
        }
        if let t = section(root, "log", known: ["level", "target"]) {
            if let l = string(t, "log", "level") {
                if ["trace", "debug", "info", "notice", "warning", "error"].contains(l) { c.log.level = l } else {
                    problem("log.level", "'\(l)' is not one of debug, info, notice, warning, error")
                }
            }
            if let l = string(t, "log", "target") {
                if ["auto", "journal", "console"].contains(l) { c.log.target = l } else {
                    problem("log.target", "'\(l)' is not one of auto, journal, console")
                }
            }
        }
        return c
    }

    /// The keys `[input]` and `[[source]]` share: source name, formats, dialect, columns, statuses.
    static let inputKeys = ["source", "start_format", "date_format", "time_format", "status_map", "delimiter", "encoding", "columns", "statuses", "withdraw_statuses", "location_component"]

    /// Reads the input keys of `t` (the table at `key`) into `settings`.
    mutating func readInput(_ t: TOMLTable, key: String, into settings: inout Configuration.InputSettings, fields: [String] = AppointmentField.allCases.map(\.rawValue)) {
        if let s = string(t, key, "source") {
            if s.isEmpty || s.contains("/") { problem("\(key).source", "must be a non-empty name without '/'") } else { settings.source = s }
        }
        settings.startFormat = pattern(t, key, "start_format")
        settings.dateFormat = pattern(t, key, "date_format")
        settings.timeFormat = pattern(t, key, "time_format")
        if let d = string(t, key, "delimiter") {
            let delimiters: [String: CSVDelimiter?] = ["auto": nil, ",": .comma, ";": .semicolon, "tab": .tab, "\t": .tab]
            if let delimiter = delimiters[d] { settings.delimiter = delimiter } else {
                problem("\(key).delimiter", "'\(d)' is not one of auto, \",\", \";\", tab")
            }
        }
        if let e = string(t, key, "encoding") {
            let known = ["auto", "utf-8", "cp1252", "utf-16le", "utf-16be", "latin1"]
            if let encoding = InputEncoding(rawValue: e.lowercased()) { settings.encoding = encoding } else {
                problem("\(key).encoding", "'\(e)' is not one of \(known.joined(separator: ", "))")
            }
        }
        if let cols = t["columns"] {
            if let ct = cols.table {
                for k in ct.keys {
                    guard fields.contains(k) else {
                        problem("\(key).columns.\(k)", "unknown field (known: \(fields.joined(separator: ", ")))")
                        continue
                    }
                    if let v = ct[k]?.string { settings.columns[k] = v } else { problem("\(key).columns.\(k)", "must be a string (the export's header name)") }
                }
            } else { problem("\(key).columns", "must be a table of field = \"Header name\"") }
        }
        if let sm = t["status_map"] {
            if let table = sm.table {
                for k in table.keys {
                    if let v = table[k]?.string, !v.isEmpty { settings.statusMap[k] = v.lowercased() } else {
                        problem("\(key).status_map.\(k)", "must be one of remindd's status words (scheduled, confirmed, unreachable, cancelled, deleted, noshow …)")
                    }
                }
            } else { problem("\(key).status_map", "must be a table of \"Exporter word\" = \"remindd word\"") }
        }
        if let component = t["location_component"] {
            if let n = component.int, n == 1 || n == 4 { settings.locationComponent = n } else {
                problem("\(key).location_component", "must be 1 (AIL-3.1, point of care) or 4 (AIL-3.4, facility)")
            }
        }
        settings.statuses = strings(t, key, "statuses")?.map { $0.lowercased() } ?? settings.statuses
        settings.withdrawStatuses = strings(t, key, "withdraw_statuses")?.map { $0.lowercased() } ?? settings.withdrawStatuses
    }

    // MARK: Typed accessors (each reports its own problem)

    mutating func section(_ root: TOMLTable, _ name: String, known: [String]) -> TOMLTable? {
        guard let value = root[name] else { return nil }
        guard let table = value.table else {
            problem(name, "must be a table ([\(name)])")
            return nil
        }
        for key in table.keys where !known.contains(key) {
            problem("\(name).\(key)", "unknown key (known: \(known.joined(separator: ", ")))")
        }
        return table
    }

    mutating func string(_ t: TOMLTable, _ s: String, _ k: String) -> String? {
        guard let v = t[k] else { return nil }
        guard let str = v.string else { problem("\(s).\(k)", "must be a string"); return nil }
        return str
    }

    /// The longest path a Unix stream socket can be bound at (`sizeof(sun_path) - 1`).
    static let maxSocketPath = 107

    mutating func path(_ t: TOMLTable, _ s: String, _ k: String) -> String? {
        guard let p = string(t, s, k) else { return nil }
        if p.isEmpty { problem("\(s).\(k)", "must not be empty"); return nil }
        return p.hasPrefix("/") ? p : URL(fileURLWithPath: p, relativeTo: URL(fileURLWithPath: base + "/")).standardizedFileURL.path
    }

    /// `reminders = [{ name = "day-before", before = "1d" }, { name = "same-day", before = "3h", latest = "1h" },
    /// { name = "evening", days_before = 1, at = "18:00" }, { name = "welcome", on_arrival = true },
    /// { name = "follow-up", after_arrival = "10m" }]`
    mutating func reminders(_ value: any TOMLValueConvertible, key prefix: String = "schedule.reminders") -> [Configuration.Reminder]? {
        guard let array = value.array else { problem(prefix, "must be an array of tables like { name = \"day-before\", before = \"1d\" }"); return nil }
        var out: [Configuration.Reminder] = []
        for (i, item) in array.enumerated() {
            let key = "\(prefix)[\(i)]"
            guard let t = item.table else { problem(key, "must be a table like { name = \"day-before\", before = \"1d\" }"); continue }
            let known = ["name", "before", "latest", "days_before", "at", "on_arrival", "after_arrival"]
            for k in t.keys where !known.contains(k) { problem("\(key).\(k)", "unknown key (known: \(known.joined(separator: ", ")))") }
            guard let name = t["name"]?.string, !name.isEmpty, !name.contains("/"), !name.contains(" ") else {
                problem("\(key).name", "required: a short stable name without spaces or '/' (it is part of each message's key)")
                continue
            }
            if out.contains(where: { $0.name == name }) { problem("\(key).name", "'\(name)' is used twice"); continue }
            var latest: Duration?
            if let l = t["latest"] {
                guard let s = l.string, let d = DurationText.parse(s) else { problem("\(key).latest", "must be a duration (like 1h)"); continue }
                latest = d
            }
            let kinds = ["before", "days_before", "on_arrival", "after_arrival"].filter { t[$0] != nil }
            guard kinds.count == 1 else { problem(key, "needs exactly one of before, days_before, on_arrival, after_arrival"); continue }
            switch kinds[0] {
            case "before":
                guard let s = t["before"]?.string, let d = DurationText.parse(s), d > .zero else { problem("\(key).before", "must be a positive duration (like 2d or 3h)"); continue }
                if let latest, latest >= d { problem("\(key).latest", "must be less than before (\(DurationText.format(d)))"); continue }
                out.append(.init(name: name, rule: .before(d, latest: latest)))
            case "days_before":
                guard let n = t["days_before"]?.int, (1...60).contains(n) else { problem("\(key).days_before", "must be a whole number of days, 1 to 60"); continue }
                var at: LocalTime?
                if let a = t["at"] {
                    guard let s = a.string, let lt = LocalTime(s) else { problem("\(key).at", "must be a local time like 18:00"); continue }
                    at = lt
                }
                if let latest, latest >= .seconds(Int64(n) * 86400) { problem("\(key).latest", "must be less than the days before"); continue }
                out.append(.init(name: name, rule: .daysBefore(n, at: at, latest: latest)))
            case "on_arrival":
                guard t["on_arrival"]?.bool == true else { problem("\(key).on_arrival", "must be true"); continue }
                out.append(.init(name: name, rule: .onArrival))
            default:
                guard let s = t["after_arrival"]?.string, let d = DurationText.parse(s) else { problem("\(key).after_arrival", "must be a duration (like 10m)"); continue }
                out.append(.init(name: name, rule: .afterArrival(d)))
            }
        }
        if out.isEmpty && problems.isEmpty { problem(prefix, "must name at least one reminder") }
        return out
    }

    mutating func pattern(_ t: TOMLTable, _ s: String, _ k: String) -> DateTimePattern? {
        guard let p = string(t, s, k) else { return nil }
        do {
            return try DateTimePattern(p)
        } catch {
            problem("\(s).\(k)", "\(error)")
            return nil
        }
    }

    mutating func strings(_ t: TOMLTable, _ s: String, _ k: String) -> [String]? {
        guard let v = t[k] else { return nil }
        guard let a = v.array else { problem("\(s).\(k)", "must be an array of strings"); return nil }
        var out: [String] = []
        for (i, item) in a.enumerated() {
            if let str = item.string { out.append(str) } else { problem("\(s).\(k)[\(i)]", "must be a string") }
        }
        return out
    }

    mutating func int(_ t: TOMLTable, _ s: String, _ k: String, _ range: ClosedRange<Int>) -> Int? {
        guard let v = t[k] else { return nil }
        guard let n = v.int else { problem("\(s).\(k)", "must be an integer"); return nil }
        guard range.contains(n) else { problem("\(s).\(k)", "\(n) is out of range \(range.lowerBound)…\(range.upperBound)"); return nil }
        return n
    }

    mutating func bool(_ t: TOMLTable, _ s: String, _ k: String) -> Bool? {
        guard let v = t[k] else { return nil }
        guard let b = v.bool else { problem("\(s).\(k)", "must be true or false"); return nil }
        return b
    }

    mutating func duration(_ t: TOMLTable, _ s: String, _ k: String) -> Duration? {
        guard let str = string(t, s, k) else { return nil }
        guard let d = DurationText.parse(str) else {
            problem("\(s).\(k)", "'\(str)' is not a duration (like 30s, 2m, 1h30m, 2d, or 0)")
            return nil
        }
        return d
    }
}
