import Foundation
import RemindCore

/// Reads appointments as JSON Lines: one JSON object per line, UTF-8.
///
/// Keys are matched like CSV headers (``AppointmentColumns``: `id`, `first_name`,
/// `last_name`, `phone`, `start` or `date` + `time`, `doctor`, `office`, `status`, and
/// their aliases); `start` is ISO 8601 with a UTC offset (`2025-03-05T09:30:00+11:00`),
/// or local time in one of the mapping's start patterns. Other keys go to
/// ``RemindCore/Appointment/extra``: strings as they are, numbers and booleans as written,
/// arrays and objects as compact JSON. Numbers for mapped fields are accepted as their
/// text (`"id": 1042`). A line that is not valid UTF-8, not JSON, or not an object is
/// rejected alone with its line number; blank lines are skipped. Whole-file errors do not
/// exist for this format: a file of bad lines yields only rejections.
public struct JSONLinesAppointmentParser: StreamingInputParser {
    public var mapping: AppointmentMapping
    /// The longest line read, in bytes (`[inbox] max_line`): a longer line is skipped to its
    /// end without being held in memory, and rejected.
    public var maxLine: Int

    public init(mapping: AppointmentMapping, maxLine: Int = 1 << 20) {
        self.mapping = mapping
        self.maxLine = maxLine
    }

    public func stream(file: String) -> any RecordStream { Stream(parser: self, file: file) }

    /// Parses a whole file: the stream (``stream(file:)``) fed once.
    public func parse(_ bytes: [UInt8], file: String) throws(InputError) -> ParsedInput {
        var stream = Stream(parser: self, file: file)
        return stream.feed(bytes, final: true)
    }

    /// The file read in pieces: complete lines are parsed as they arrive, the rest waits
    /// for the next piece. Memory holds one piece and one partial line.
    struct Stream: RecordStream {
        let parser: JSONLinesAppointmentParser
        let file: String
        private var keys: KeyCache
        private let builder: AppointmentBuilder
        private var raw: [UInt8] = []
        private var lineNumber = 0
        private var started = false
        /// Inside a line longer than ``maxLine``: its bytes are dropped up to its end.
        private var skipping = false

        init(parser: JSONLinesAppointmentParser, file: String) {
            self.parser = parser
            self.file = file
            self.keys = KeyCache(columns: parser.mapping.columns)
            self.builder = AppointmentBuilder(mapping: parser.mapping)
        }

        mutating func feed(_ bytes: [UInt8], final: Bool) -> ParsedInput {
            raw += bytes
            var result = ParsedInput()
            if !started {
                guard raw.count >= 3 || final else { return result }
                started = true
                if raw.starts(with: [0xEF, 0xBB, 0xBF]) { raw.removeFirst(3) }
            }
            if skipping {
                guard let end = raw.firstIndex(of: 0x0A) else {
                    raw = []
                    if final { skipping = false }
                    return result
                }
                raw.removeFirst(end + 1)
                skipping = false
            }
            let cut = final ? raw.count : (raw.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
            var start = 0
            while start < cut {
                lineNumber += 1
                var end = start
                while end < cut && raw[end] != 0x0A { end += 1 }
                let next = end + 1
                var trimmedEnd = end
                while trimmedEnd > start && JSONLinesAppointmentParser.isSpace(raw[trimmedEnd - 1]) { trimmedEnd -= 1 }
                var trimmedStart = start
                while trimmedStart < trimmedEnd && JSONLinesAppointmentParser.isSpace(raw[trimmedStart]) { trimmedStart += 1 }
                if trimmedStart < trimmedEnd {
                    let position = SourcePosition(file: file, line: lineNumber)
                    switch parser.parseLine(raw[trimmedStart..<trimmedEnd], builder: builder, keys: &keys) {
                    case .success(let appointment):
                        result.records.append(ParsedAppointment(position: position, appointment: appointment))
                    case .failure(let rejection):
                        result.rejections.append(RowRejection(position: position, reason: rejection.reason))
                    }
                }
                start = next
            }
            raw = cut == raw.count ? [] : Array(raw[cut...])
            if raw.count > parser.maxLine {
                // A line with no end within maxLine: rejected now, the rest of it skipped unread.
                lineNumber += 1
                result.rejections.append(RowRejection(
                    position: SourcePosition(file: file, line: lineNumber),
                    reason: "the line is longer than \(parser.maxLine) bytes ([inbox] max_line); it was skipped unread"))
                raw = []
                skipping = true
            }
            return result
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    /// The field of each key seen so far in a file (lines repeat their keys).
    struct KeyCache {
        let columns: AppointmentColumns
        private var known: [String: AppointmentColumns.Lookup?] = [:]

        init(columns: AppointmentColumns) { self.columns = columns }

        mutating func lookup(_ key: String) -> AppointmentColumns.Lookup? {
            if let found = known[key] { return found }
            let found = columns.lookup(key)
            known[key] = found
            return found
        }
    }

    func parseLine(
        _ line: ArraySlice<UInt8>, builder: AppointmentBuilder, keys: inout KeyCache
    ) -> Result<Appointment, Rejection> {
        guard String(validating: line, as: UTF8.self) != nil else {
            return .failure(Rejection("the line is not valid UTF-8"))
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line), options: [])
        } catch {
            return .failure(Rejection("the line is not valid JSON"))
        }
        guard let dictionary = object as? [String: Any] else {
            return .failure(Rejection("the line is not a JSON object"))
        }
        // Pick each field's key by preference, as for CSV headers.
        var best: [AppointmentField: (key: String, rank: Int)] = [:]
        for key in dictionary.keys {
            guard let found = keys.lookup(key) else { continue }
            if let current = best[found.field], current.rank < found.rank || (current.rank == found.rank && current.key < key) {
                continue
            }
            best[found.field] = (key, found.rank)
        }
        if best[.start] != nil {
            best[.date] = nil
            best[.time] = nil
        }
        var values: [AppointmentField: AppointmentBuilder.Value] = [:]
        for (field, choice) in best {
            guard let value = dictionary[choice.key], !(value is NSNull) else { continue }
            guard let text = Self.scalarText(value) else {
                return .failure(Rejection("field \(choice.key) is not a string or number"))
            }
            values[field] = AppointmentBuilder.Value(
                label: "field \(choice.key)", text: text.trimmed)
        }
        let used = Set(best.filter { $0.key != .location }.values.map(\.key))
        var extra: [String: String] = [:]
        for (key, value) in dictionary where !used.contains(key) {
            extra[key] = Self.scalarText(value) ?? Self.compactJSON(value)
        }
        return builder.build(value: { values[$0] }, extra: extra)
    }

    /// A string, number or boolean as text; nil for null, arrays and objects.
    private static func scalarText(_ value: Any) -> String? {
        if let string = value as? String { return string }
        if let number = value as? NSNumber {
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        }
        return nil
    }

    private static func compactJSON(_ value: Any) -> String {
        if value is NSNull { return "" }
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
