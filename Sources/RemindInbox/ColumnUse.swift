import Foundation

/// Which column (or JSON key) of a file feeds which field, as the parser decides it from
/// the header: what `remindctl preview` shows so a wrong mapping is seen before any
/// patient gets a text.
public struct ColumnUse: Hashable, Sendable, CustomStringConvertible {
    /// The header (or key) as written in the file.
    public var column: String
    /// The field it feeds (`phone`, `first_name`, `location`, `patient_name` …), or nil
    /// for a column kept as an extra template element.
    public var field: String?

    public init(column: String, field: String?) {
        self.column = column
        self.field = field
    }

    public var description: String { "\(column) → \(field ?? "extra")" }
}

/// A parser that can say which column feeds which field of a file (``ColumnUse``).
public protocol ColumnReporting: Sendable {
    /// The columns of the file's header (CSV) or first object (JSON Lines), in file order;
    /// empty when the file has none that can be read.
    func columnUses(_ bytes: [UInt8], file: String) -> [ColumnUse]
}

extension CSVAppointmentParser: ColumnReporting {
    public func columnUses(_ bytes: [UInt8], file: String) -> [ColumnUse] {
        let header: [String]
        if let names = format.columnNames {
            header = names
        } else {
            guard let text = try? format.encoding.utf8Text(of: bytes, file: file) else { return [] }
            var reader = CSVReader(utf8: text, delimiter: format.delimiter ?? CSVDelimiter.sniff(text))
            guard let first = reader.next(), first.error == nil else { return [] }
            header = first.fields
        }
        let layout: Layout
        do {
            layout = try Layout(header: header, mapping: format.mapping, file: file, line: 1)
        } catch {
            // A required column is missing: show what was recognised anyway.
            return header.map { ColumnUse(column: $0, field: format.mapping.columns.lookup($0)?.field.rawValue) }
        }
        var byIndex: [Int: String] = [:]
        for (field, column) in layout.columns { byIndex[column.index] = field.rawValue }
        return header.enumerated().filter { !$0.element.isEmpty }.map { ColumnUse(column: $0.element, field: byIndex[$0.offset]) }
    }
}

extension JSONLinesAppointmentParser: ColumnReporting {
    /// The keys of the first object line, sorted; each field takes its best-ranked key.
    public func columnUses(_ bytes: [UInt8], file: String) -> [ColumnUse] {
        guard let keys = ColumnUse.firstObjectKeys(bytes) else { return [] }
        var best: [AppointmentField: (key: String, rank: Int)] = [:]
        for key in keys {
            guard let found = mapping.columns.lookup(key) else { continue }
            if let current = best[found.field], current.rank <= found.rank { continue }
            best[found.field] = (key, found.rank)
        }
        if best[.start] != nil {
            best[.date] = nil
            best[.time] = nil
        }
        var byKey: [String: String] = [:]
        for (field, choice) in best { byKey[choice.key] = field.rawValue }
        return keys.map { ColumnUse(column: $0, field: byKey[$0]) }
    }
}

extension ListParser: ColumnReporting {
    public func columnUses(_ bytes: [UInt8], file: String) -> [ColumnUse] {
        let keys: [String]
        switch format.fileFormat {
        case .csv:
            guard let text = try? format.encoding.utf8Text(of: bytes, file: file) else { return [] }
            var reader = CSVReader(utf8: text, delimiter: format.delimiter ?? CSVDelimiter.sniff(text))
            guard let first = reader.next(), first.error == nil else { return [] }
            keys = first.fields
        case .jsonl:
            guard let found = ColumnUse.firstObjectKeys(bytes) else { return [] }
            keys = found
        }
        let chosen = choose(keys, lookup: lookup)
        var byIndex: [Int: String] = [:]
        for (field, index) in chosen { byIndex[index] = field.rawValue }
        return keys.enumerated().filter { !$0.element.isEmpty }.map { ColumnUse(column: $0.element, field: byIndex[$0.offset]) }
    }
}

extension ColumnUse {
    /// The keys of the first line of a JSON Lines file that is an object, sorted.
    static func firstObjectKeys(_ bytes: [UInt8]) -> [String]? {
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            let line = bytes[start..<end]
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line), options: []),
                let dictionary = object as? [String: Any]
            else { return nil }
            return dictionary.keys.sorted()
        }
        return nil
    }
}
