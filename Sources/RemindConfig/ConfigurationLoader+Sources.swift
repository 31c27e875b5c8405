import Foundation
import RemindInbox
import RemindSchedule
import TOMLKit

/// `[inbox]` and `[[source]]`.
extension Reader {
    static let sourceKeys = inputKeys.filter { $0 != "source" } + [
        "name", "kind", "format", "subdirectory", "pattern", "snapshot", "snapshot_from", "snapshot_to", "ack",
        "reminders", "template", "filter",
    ]

    mutating func readInbox(_ root: TOMLTable, into c: inout Configuration) {
        guard let t = section(root, "inbox", known: ["settle", "max_size", "max_line"]) else { return }
        if let d = duration(t, "inbox", "settle") {
            if d > .seconds(3600) { problem("inbox.settle", "must be at most 1h") } else { c.inbox.settle = d }
        }
        if let v = t["max_size"] {
            if let n = v.int, n > 0 { c.inbox.maxSize = n } else if let s = v.string, let n = Self.size(s) { c.inbox.maxSize = n } else {
                problem("inbox.max_size", "must be a size in bytes (like 67108864) or with a unit (like \"64M\", \"1G\")")
            }
        }
        if let v = t["max_line"] {
            if let n = v.int ?? v.string.flatMap(Self.size), n >= 1024, n <= 64 << 20 { c.inbox.maxLine = n } else {
                problem("inbox.max_line", "must be a size from 1K to 64M (like \"1M\")")
            }
        }
    }

    /// `64M`, `512K`, `1G` (powers of 1024) or plain bytes.
    static func size(_ text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("IB") { t.removeLast(2) } else if t.hasSuffix("B") { t.removeLast() }
        var shift = 0
        switch t.last {
        case "K": shift = 10
        case "M": shift = 20
        case "G": shift = 30
        default: break
        }
        if shift > 0 { t.removeLast() }
        guard let n = Int(t.trimmingCharacters(in: .whitespaces)), n > 0, n < (1 << (62 - shift)) else { return nil }
        return n << shift
    }

    mutating func readSources(_ root: TOMLTable, into c: inout Configuration) {
        guard let value = root["source"] else { return }
        guard let array = value.array else {
            problem("source", "must be an array of tables ([[source]])")
            return
        }
        var names: Set<String> = [c.input.source]
        for (i, item) in array.enumerated() {
            let key = "source[\(i)]"
            guard let t = item.table else { problem(key, "must be a table ([[source]])"); continue }
            for k in t.keys where !Self.sourceKeys.contains(k) {
                problem("\(key).\(k)", "unknown key (known: \(Self.sourceKeys.joined(separator: ", ")))")
            }
            guard let name = string(t, key, "name"), !name.isEmpty, !name.contains("/") else {
                problem("\(key).name", "required: a short stable name without '/' (it is part of each message's key)")
                continue
            }
            guard names.insert(name).inserted else {
                problem("\(key).name", "'\(name)' is used by another source (or by [input] source)")
                continue
            }
            let kindText = string(t, key, "kind") ?? ""
            guard let kind = SourceKind(rawValue: kindText) else {
                problem("\(key).kind", "required: one of \(SourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            let formatText = string(t, key, "format") ?? "csv"
            guard let format = Configuration.Source.Format(rawValue: formatText) else {
                problem("\(key).format", "'\(formatText)' is not one of csv, jsonl, hl7")
                continue
            }
            if format == .hl7 && kind != .appointment { problem("\(key).format", "hl7 carries appointments only (kind = \"appointment\")") }
            var input = Configuration.InputSettings()
            let fields = kind == .appointment ? AppointmentField.allCases.map(\.rawValue) : ListField.allCases.map(\.rawValue)
            readInput(t, key: key, into: &input, fields: fields)
            var source = Configuration.Source(name: name, kind: kind, format: format, input: input, rules: [])
            if let sub = string(t, key, "subdirectory") {
                let parts = sub.split(separator: "/", omittingEmptySubsequences: false)
                if sub.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == ".." || $0.hasPrefix(".") }) {
                    problem("\(key).subdirectory", "must be a path relative to the inbox without '..', dot-directories or empty parts (like recalls)")
                } else { source.subdirectory = sub }
            }
            // One glob, or several (`pattern = ["*.hl7", "*.mllp"]`).
            let globs: [String]? = t["pattern"]?.array != nil ? strings(t, key, "pattern") : string(t, key, "pattern").map { [$0] }
            if let globs {
                if globs.isEmpty || globs.contains(where: { $0.isEmpty || $0.contains("/") }) {
                    problem("\(key).pattern", "must be a file-name glob without '/' (like \"recall*.csv\"), or an array of them")
                } else {
                    source.patterns = globs
                }
            }
            if source.subdirectory == nil && source.patterns.isEmpty {
                problem(key, "needs subdirectory or pattern (how its files are recognised in the inbox)")
            }
            if let snapshot = bool(t, key, "snapshot"), snapshot {
                if kind != .appointment { problem("\(key).snapshot", "only appointment sources can be snapshots") }
                let from = string(t, key, "snapshot_from"), to = string(t, key, "snapshot_to")
                switch (from, to) {
                case (nil, nil): source.snapshot = .fileDates
                case let (f?, t?) where !f.isEmpty && !t.isEmpty: source.snapshot = .columns(from: f, to: t)
                default: problem("\(key).snapshot_from", "snapshot_from and snapshot_to name the two columns of the range, both or neither")
                }
            } else if t["snapshot_from"] != nil || t["snapshot_to"] != nil {
                problem("\(key).snapshot_from", "only with snapshot = true")
            }
            if let ack = bool(t, key, "ack") {
                if ack && format != .hl7 { problem("\(key).ack", "only HL7 sources are acknowledged") }
                source.ack = ack
            }
            if let template = string(t, key, "template") {
                if kind != .broadcast { problem("\(key).template", "only broadcasts name their template") }
                if template.isEmpty || !template.allSatisfy({ $0.isLowercase && $0.isASCII || $0.isNumber || "-_.".contains($0) }) {
                    problem("\(key).template", "must be a variant name: a-z 0-9 - _ . (broadcast.<template>.mustache)")
                } else { source.template = template }
            }
            if let f = t["filter"] {
                if kind != .broadcast { problem("\(key).filter", "only broadcasts are filtered") }
                if let ft = f.table {
                    for column in ft.keys {
                        if let s = ft[column]?.string { source.filter[column] = [s] } else if let a = ft[column]?.array, !a.isEmpty,
                            case let values = a.compactMap(\.string), values.count == a.count {
                            source.filter[column] = values
                        } else { problem("\(key).filter.\(column)", "must be a value or an array of values (like \"F\" or [\"F\", \"female\"])") }
                    }
                } else { problem("\(key).filter", "must be a table of column = value (like { gender = \"F\" })") }
            }
            if let r = t["reminders"] {
                source.rules = rules(r, kind: kind, key: "\(key).reminders")
            } else if kind == .appointment {
                source.rules = c.schedule.effectiveReminders.map { .init(name: $0.name, timing: .reminder($0.rule)) }
            } else {
                source.rules = Configuration.Source.defaultRules(for: kind)
            }
            c.sources.append(source)
        }
    }

    /// A source's `reminders`: the appointment keys of `[schedule] reminders`, or the kind's own.
    mutating func rules(_ value: any TOMLValueConvertible, kind: SourceKind, key prefix: String) -> [Configuration.Source.Rule] {
        if kind == .appointment {
            return (reminders(value, key: prefix) ?? []).map { .init(name: $0.name, timing: .reminder($0.rule)) }
        }
        let example = switch kind {
        case .recall: "{ name = \"recall\", days_after_due = 0, lifetime = \"30d\" }"
        case .patient: "{ name = \"birthday\", at = \"09:00\" }"
        case .broadcast: "{ name = \"broadcast\", at = \"2026-12-01 09:00\" } or { name = \"broadcast\", on_arrival = true }"
        default: "{ name = \"private\", on_arrival = true }"
        }
        guard let array = value.array else { problem(prefix, "must be an array of tables like \(example)"); return [] }
        let known: [String] = switch kind {
        case .recall: ["name", "days_after_due", "at", "lifetime"]
        case .patient: ["name", "at"]
        case .broadcast: ["name", "at", "on_arrival", "after_arrival"]
        default: ["name", "on_arrival", "after_arrival"]
        }
        var out: [Configuration.Source.Rule] = []
        for (i, item) in array.enumerated() {
            let key = "\(prefix)[\(i)]"
            guard let t = item.table else { problem(key, "must be a table like \(example)"); continue }
            for k in t.keys where !known.contains(k) { problem("\(key).\(k)", "unknown key for a \(kind) source (known: \(known.joined(separator: ", ")))") }
            guard let name = t["name"]?.string, !name.isEmpty, !name.contains("/"), !name.contains(" ") else {
                problem("\(key).name", "required: a short stable name without spaces or '/' (it is part of each message's key)")
                continue
            }
            if out.contains(where: { $0.name == name }) { problem("\(key).name", "'\(name)' is used twice"); continue }
            switch kind {
            case .recall:
                var days = 0
                if let v = t["days_after_due"] {
                    guard let n = v.int, (0...365).contains(n) else { problem("\(key).days_after_due", "must be a whole number of days, 0 to 365"); continue }
                    days = n
                }
                var at: LocalTime?
                if let v = t["at"] {
                    guard let s = v.string, let lt = LocalTime(s) else { problem("\(key).at", "must be a local time like 10:00"); continue }
                    at = lt
                }
                var lifetime = Duration.seconds(30 * 86400)
                if let v = t["lifetime"] {
                    guard let s = v.string, let d = DurationText.parse(s), d >= .seconds(3600) else { problem("\(key).lifetime", "must be a duration of at least 1h (like 30d)"); continue }
                    lifetime = d
                }
                out.append(.init(name: name, timing: .recall(daysAfterDue: days, at: at, lifetime: lifetime)))
            case .patient:
                guard let s = t["at"]?.string, let at = LocalTime(s) else { problem("\(key).at", "required: the local time of the greeting, like 09:00"); continue }
                out.append(.init(name: name, timing: .reminder(.birthday(at: at))))
            default:
                let timings = ["at", "on_arrival", "after_arrival"].filter { t[$0] != nil }
                guard timings.count == 1 else { problem(key, "needs exactly one of \(kind == .broadcast ? "at, " : "")on_arrival, after_arrival"); continue }
                switch timings[0] {
                case "at":
                    guard let s = t["at"]?.string, let (date, time) = Self.localDateTime(s) else { problem("\(key).at", "must be a local date and time like \"2026-12-01 09:00\""); continue }
                    out.append(.init(name: name, timing: .reminder(.at(date, time))))
                case "on_arrival":
                    guard t["on_arrival"]?.bool == true else { problem("\(key).on_arrival", "must be true"); continue }
                    out.append(.init(name: name, timing: .reminder(.onArrival)))
                default:
                    guard let s = t["after_arrival"]?.string, let d = DurationText.parse(s) else { problem("\(key).after_arrival", "must be a duration (like 10m)"); continue }
                    out.append(.init(name: name, timing: .reminder(.afterArrival(d))))
                }
            }
        }
        if out.isEmpty && !problems.contains(where: { $0.key.hasPrefix(prefix) }) { problem(prefix, "must name at least one rule, like \(example)") }
        return out
    }

    /// `2026-12-01 09:00` (or with a `T`).
    static func localDateTime(_ text: String) -> (LocalDate, LocalTime)? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2, let date = LocalDate(parts[0]), let time = LocalTime(parts[1]) else { return nil }
        return (date, time)
    }
}
