/// One segment of an HL7 v2 message, split into its fields with the message's delimiters.
///
/// Fields are numbered as the standard numbers them: for MSH, field 1 is the field
/// separator itself and field 2 the encoding characters; for every other segment field
/// n follows the n-th separator. Values are read by field, repetition, component and
/// subcomponent (all 1-based, as written in `PID-13.3`), unescaped and trimmed; the HL7
/// null `""` reads as empty.
struct HL7Segment {
    /// The segment id (`MSH`, `SCH`, `PID` …).
    let name: String
    /// The physical line the segment is on.
    let line: Int
    let delimiters: HL7Delimiters
    /// Raw (escaped) fields; index = field number, index 0 is the segment id.
    let fields: [ArraySlice<UInt8>]

    /// A segment id: three characters, an upper-case letter then upper-case letters or
    /// digits, followed by the field separator or the end of the segment.
    static func name(of bytes: ArraySlice<UInt8>, delimiters: HL7Delimiters) -> String? {
        guard bytes.count >= 3 else { return nil }
        let s = bytes.startIndex
        guard bytes.count == 3 || bytes[s + 3] == delimiters.field else { return nil }
        func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        guard isUpper(bytes[s]), isUpper(bytes[s + 1]) || isDigit(bytes[s + 1]),
            isUpper(bytes[s + 2]) || isDigit(bytes[s + 2])
        else { return nil }
        return String(decoding: bytes.prefix(3), as: UTF8.self)
    }

    /// Splits a segment whose id is `name` (already checked).
    init(name: String, bytes: ArraySlice<UInt8>, line: Int, delimiters: HL7Delimiters) {
        self.name = name
        self.line = line
        self.delimiters = delimiters
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(16)
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == delimiters.field {
                fields.append(bytes[start..<i])
                start = i + 1
            }
            i += 1
        }
        fields.append(bytes[start..<bytes.endIndex])
        if name == "MSH" {
            // "MSH|^~\&|…" splits into "MSH", "^~\&", …: put the separator back as MSH-1.
            fields.insert(bytes[(bytes.startIndex + 3)..<min(bytes.endIndex, bytes.startIndex + 4)], at: 1)
        }
        self.fields = fields
    }

    /// The raw bytes of field `number`, all repetitions; empty when absent.
    func raw(_ number: Int) -> ArraySlice<UInt8> {
        number < fields.count ? fields[number] : []
    }

    /// The number of repetitions field `number` has (0 when empty).
    func repetitions(_ number: Int) -> Int {
        let field = raw(number)
        guard !field.isEmpty else { return 0 }
        guard let repetition = delimiters.repetition else { return 1 }
        return field.reduce(1) { $0 + ($1 == repetition ? 1 : 0) }
    }

    /// The unescaped, trimmed value at `field.component.subcomponent` of repetition
    /// `repetition`; empty when any part is absent.
    func value(_ field: Int, repetition: Int = 1, component: Int = 1, subcomponent: Int = 1) -> String {
        var bytes = raw(field)
        bytes = Self.part(bytes, repetition, delimiters.repetition)
        bytes = Self.part(bytes, component, delimiters.component)
        bytes = Self.part(bytes, subcomponent, delimiters.subcomponent)
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        if bytes.count == 2 && bytes.first == UInt8(ascii: "\"") && bytes.last == UInt8(ascii: "\"") { return "" }
        let text = delimiters.unescape(bytes)
        // Other Unicode spaces (a no-break space), or spaces an escape produced, go too.
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80 ? text : text.trimmed
    }

    /// The `index`-th (1-based) part of `bytes` split at `separator`; the whole for index 1
    /// when there is no such separator.
    private static func part(_ bytes: ArraySlice<UInt8>, _ index: Int, _ separator: UInt8?) -> ArraySlice<UInt8> {
        guard let separator else { return index == 1 ? bytes : [] }
        var count = 1
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == separator {
                if count == index { return bytes[start..<i] }
                count += 1
                start = i + 1
            }
            i += 1
        }
        return count == index ? bytes[start..<bytes.endIndex] : []
    }
}
