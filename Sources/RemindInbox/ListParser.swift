import Foundation
import RemindCore

/// Reads lists (recalls, patients, broadcast recipients, private messages) as CSV or
/// JSON Lines; see ``ListFormat`` for the configuration.
///
/// CSV is read as for appointments (``CSVReader``: quotes, CRLF, encodings, physical line
/// numbers, delimiter sniffing); a row with another number of fields than the header is
/// rejected. JSON Lines is one object per line, UTF-8. Columns and keys are matched like
/// appointment headers (case, spaces, `_` and `-` ignored), each field taking the
/// earliest name of its list that the file has; other columns go to
/// ``ListRecord/extra``. A required field that is empty, or a date that matches none of
/// the patterns, rejects the row alone with a reason that names the column, never its value.
public struct ListParser: Sendable {
    public var format: ListFormat

    public init(format: ListFormat) {
        self.format = format
    }

    /// The records of a list and its rejected rows.
    /// - Throws: ``InputError`` when nothing of the file can be read (undecodable text, no
    ///   header, a required column missing).
    public func parseList(_ bytes: [UInt8], file: String) throws(InputError) -> ParsedList {
        switch format.fileFormat {
        case .csv: try parseCSV(bytes, file: file)
        case .jsonl: parseJSONLines(bytes, file: file)
        }
    }

    var lookup: [String: (field: ListField, rank: Int)] {
        var names = ListFormat.defaultColumns(for: format.kind)
        for (field, list) in format.columns { names[field] = list }
        var out: [String: (field: ListField, rank: Int)] = [:]
        for field in ListField.allCases {
            for (rank, name) in (names[field] ?? []).enumerated() {
                let key = AppointmentColumns.normalize(name)
                if !key.isEmpty && out[key] == nil { out[key] = (field, rank) }
            }
        }
        return out
    }

    /// Which key or column feeds each field: the best-ranked present.
    func choose(_ keys: [String], lookup: [String: (field: ListField, rank: Int)]) -> [ListField: Int] {
        var best: [ListField: (index: Int, rank: Int)] = [:]
        for (index, key) in keys.enumerated() {
            guard let found = lookup[AppointmentColumns.normalize(key)] else { continue }
            if let current = best[found.field], current.rank <= found.rank { continue }
            best[found.field] = (index, found.rank)
        }
        return best.mapValues(\.index)
    }

    private func parseCSV(_ bytes: [UInt8], file: String) throws(InputError) -> ParsedList {
        let text = try format.encoding.utf8Text(of: bytes, file: file)
        var reader = CSVReader(utf8: text, delimiter: format.delimiter ?? CSVDelimiter.sniff(text))
        guard let header = reader.next() else {
            throw InputError(code: .noHeader, message: "the file has no header line (it is empty)", file: file)
        }
        guard header.error == nil else {
            throw InputError(code: .noHeader, message: "the header line cannot be read: \(header.error ?? "")", file: file, line: header.line)
        }
        let chosen = choose(header.fields, lookup: lookup)
        for field in format.requiredFields where chosen[field] == nil {
            var names = ListFormat.defaultColumns(for: format.kind)
            for (f, list) in format.columns { names[f] = list }
            throw InputError(
                code: .missingColumn,
                message: "the header has no column for the \(field) (looked for: \((names[field] ?? []).joined(separator: ", ")))",
                file: file, line: header.line)
        }
        let used = Set(chosen.filter { $0.key != .location }.values)
        var result = ParsedList()
        var recordStart = reader.index
        while let row = reader.next() {
            let position = SourcePosition(file: file, line: row.line)
            defer { recordStart = reader.index }
            if reader.index - recordStart > format.maxLine {
                result.rejections.append(RowRejection(position: position, reason: Self.tooLong(format.maxLine)))
                continue
            }
            if let error = row.error {
                result.rejections.append(RowRejection(position: position, reason: error))
                continue
            }
            guard row.fields.count == header.fields.count else {
                result.rejections.append(RowRejection(
                    position: position, reason: "the row has \(row.fields.count) fields, the header \(header.fields.count)"))
                continue
            }
            var extra: [String: String] = [:]
            for (index, name) in header.fields.enumerated() where !used.contains(index) && !name.isEmpty && extra[name] == nil {
                extra[name] = row.fields[index]
            }
            let built = build(position: position, extra: extra) { field in
                chosen[field].map { ("column \(header.fields[$0])", row.fields[$0]) }
            }
            switch built {
            case .success(let record): result.records.append(record)
            case .failure(let rejection): result.rejections.append(RowRejection(position: position, reason: rejection.reason))
            }
        }
        return result
    }

    private func parseJSONLines(_ bytes: [UInt8], file: String) -> ParsedList {
        let lookup = self.lookup
        var result = ParsedList()
        var lineNumber = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            let line = bytes[start..<end]
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let position = SourcePosition(file: file, line: lineNumber)
            if line.count > format.maxLine {
                result.rejections.append(RowRejection(position: position, reason: Self.tooLong(format.maxLine)))
                continue
            }
            guard String(validating: line, as: UTF8.self) != nil,
                let object = try? JSONSerialization.jsonObject(with: Data(line), options: []),
                let dictionary = object as? [String: Any]
            else {
                result.rejections.append(RowRejection(position: position, reason: "the line is not a JSON object"))
                continue
            }
            let keys = dictionary.keys.sorted()
            let chosen = choose(keys, lookup: lookup)
            let used = Set(chosen.filter { $0.key != .location }.values.map { keys[$0] })
            var extra: [String: String] = [:]
            for (key, value) in dictionary where !used.contains(key) { extra[key] = Self.scalarText(value) ?? "" }
            let built = build(position: position, extra: extra) { field in
                chosen[field].flatMap { index in
                    Self.scalarText(dictionary[keys[index]] as Any).map { ("field \(keys[index])", $0.trimmed) }
                }
            }
            switch built {
            case .success(let record): result.records.append(record)
            case .failure(let rejection): result.rejections.append(RowRejection(position: position, reason: rejection.reason))
            }
        }
        return result
    }

    static func tooLong(_ limit: Int) -> String {
        "the record is longer than \(limit) bytes ([inbox] max_line); it was not read"
    }

    private static func scalarText(_ value: Any) -> String? {
        if let string = value as? String { return string }
        if let number = value as? NSNumber {
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        }
        return nil
    }

    /// One record from its fields' labels and values (`value(field)` nil: no such column).
    private func build(
        position: SourcePosition, extra: [String: String], value: (ListField) -> (label: String, text: String)?
    ) -> Result<ListRecord, Rejection> {
        for field in format.requiredFields {
            guard let found = value(field) else { return .failure(Rejection("\(field) is missing")) }
            if found.text.isEmpty { return .failure(Rejection("\(found.label) is empty")) }
        }
        var date: CivilDate?
        if let found = value(.date), !found.text.isEmpty {
            guard let parsed = format.datePatterns.lazy.compactMap({ $0.parse(Substring(found.text)) }).first, parsed.hasDate,
                let year = parsed.year, let month = parsed.month, let day = parsed.day
            else {
                let formats = format.datePatterns.map(\.pattern).joined(separator: " or ")
                return .failure(Rejection("\(found.label) does not match \(formats)"))
            }
            date = CivilDate(year: year, month: month, day: day)
        }
        var extra = extra
        if let location = value(.location)?.text, !location.isEmpty { extra["location"] = location }
        var firstName = value(.firstName)?.text ?? ""
        var lastName = value(.lastName)?.text ?? ""
        if value(.firstName) == nil, value(.lastName) == nil, let name = value(.patientName)?.text {
            (firstName, lastName) = AppointmentBuilder.split(name: name)
        }
        return .success(ListRecord(
            position: position, id: value(.id)?.text ?? "", firstName: firstName,
            lastName: lastName, phone: value(.phone)?.text ?? "", date: date,
            text: value(.text)?.text ?? "", gender: value(.gender)?.text ?? "", extra: extra))
    }
}
