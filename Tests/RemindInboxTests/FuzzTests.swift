import Foundation
import RemindCore
import RemindInbox
import Testing

/// Thousands of random and mangled inputs through each parser: none may trap, and what
/// comes out must be consistent (positions within the file and in order). A libFuzzer
/// harness (issue 6) goes further; this runs with every `swift test`.
@Suite struct FuzzTests {
    /// SplitMix64: a fixed seed, so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let tokens: [[UInt8]] = [
        "\"", "\"\"", ",", ";", "\t", "\r\n", "\n", "\r", " ", "id", "phone", "start", "date", "time", "Mobile",
        "2025-03-05", "09:30", "2025-10-05 02:30", "2025-03-05T09:30:00+11:00", "{", "}", "[", "]", ":", "null",
        "true", "1e999", "\\u0000", "\\ud800", "é", "🍎",
    ].map { Array($0.utf8) } + [[0xFF, 0xFE], [0xFE, 0xFF], [0xEF, 0xBB, 0xBF], [0x00], [0xC0], [0xED, 0xA0, 0x80], [0x80, 0x9D]]

    static func inputs(count: Int, seed: UInt64) -> [[UInt8]] {
        var random = Generator(state: seed)
        let seeds = ["cp1252-accents.csv", "utf16le-bom.csv", "semicolon-ddmmyyyy.csv", "quoted-newline.csv", "appointments.jsonl"]
            .compactMap { try? fixture($0) }
        var out: [[UInt8]] = []
        for i in 0..<count {
            var bytes: [UInt8] = []
            switch i % 3 {
            case 0:  // raw random bytes
                for _ in 0..<Int.random(in: 0..<200, using: &random) { bytes.append(UInt8.random(in: 0...255, using: &random)) }
            case 1:  // random tokens
                for _ in 0..<Int.random(in: 0..<60, using: &random) { bytes += tokens.randomElement(using: &random)! }
            default:  // a fixture with bytes flipped, cut, and tokens spliced in
                bytes = seeds.isEmpty ? [] : seeds[i / 3 % seeds.count]
                for _ in 0..<Int.random(in: 1..<8, using: &random) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                    case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1..<20, using: &random)))
                    default: bytes.insert(contentsOf: tokens.randomElement(using: &random)!, at: at)
                    }
                }
            }
            out.append(bytes)
        }
        return out
    }

    static func check(_ result: ParsedInput, lines: Int) {
        let positions = result.records.map(\.position.line) + result.rejections.map(\.position.line)
        #expect(positions.allSatisfy { $0 >= 1 && $0 <= lines })
        #expect(result.records.map(\.position.line) == result.records.map(\.position.line).sorted())
        #expect(result.rejections.map(\.position.line) == result.rejections.map(\.position.line).sorted())
    }

    /// An upper bound of a file's physical lines in any of the encodings.
    static func lineBound(_ bytes: [UInt8]) -> Int { bytes.count + 1 }

    @Test func csvParsersNeverTrap() throws {
        let zone = try sydney()
        let formats = InputEncoding.allCases.map { encoding in
            CSVAppointmentFormat(
                mapping: AppointmentMapping(timeZone: zone, startPatterns: [try! DateTimePattern("d/M/yy h:mm a")]),
                encoding: encoding)
        } + [CSVAppointmentFormat(mapping: AppointmentMapping(timeZone: zone), columnNames: ["id", "phone", "start", "x"])]
        var outcomes = (records: 0, rejections: 0, errors: 0)
        for (i, input) in Self.inputs(count: 3000, seed: 0x5EED_C5F).enumerated() {
            let parser = CSVAppointmentParser(format: formats[i % formats.count])
            do {
                let result = try parser.parse(input, file: "fuzz.csv")
                Self.check(result, lines: Self.lineBound(input))
                outcomes.records += result.records.count
                outcomes.rejections += result.rejections.count
            } catch {
                #expect(error.file == "fuzz.csv")
                outcomes.errors += 1
            }
        }
        // The mangled fixtures still yield records, rejections and whole-file errors.
        #expect(outcomes.records > 0 && outcomes.rejections > 0 && outcomes.errors > 0)
    }

    @Test func jsonLinesParserNeverTraps() throws {
        let parser = JSONLinesAppointmentParser(mapping: AppointmentMapping(timeZone: try sydney()))
        var outcomes = (records: 0, rejections: 0)
        for input in Self.inputs(count: 3000, seed: 0x0150_11E5) {
            let result = try parser.parse(input, file: "fuzz.jsonl")
            Self.check(result, lines: Self.lineBound(input))
            outcomes.records += result.records.count
            outcomes.rejections += result.rejections.count
        }
        #expect(outcomes.records > 0 && outcomes.rejections > 0)
    }
}
