import CPhoneNumber
import Dispatch
import Testing

/// `rn_parse` works out a number's type with its own, lock-free copy of
/// libphonenumber's `GetNumberType`. These tests hold it to the library itself
/// (`rn_parse_reference`) over libphonenumber's example number of every type in every
/// region and mutations of each: a changed digit near either end, one digit fewer, one
/// more.
@Suite struct NumberTypeMatchingTests {
    struct Answer: Equatable, CustomStringConvertible {
        var status: UInt32
        var e164: String
        var type: UInt32
        var description: String { "status \(status) \(e164) type \(type)" }
    }

    static func answer(_ parse: (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<rn_type>) -> rn_status,
                       _ number: String, _ region: String) -> Answer {
        var buffer = [CChar](repeating: 0, count: 32)
        var type = RN_TYPE_UNKNOWN
        let status = number.withCString { n in region.withCString { r in parse(n, r, &buffer, buffer.count, &type) } }
        let e164 = status == RN_OK ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return Answer(status: status.rawValue, e164: e164, type: status == RN_OK ? type.rawValue : RN_TYPE_UNKNOWN.rawValue)
    }

    static var regions: [String] {
        (0..<rn_supported_region_count()).map { i in
            var out = [CChar](repeating: 0, count: 8)
            _ = rn_supported_region_at(i, &out, out.count)
            return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Every region's example numbers and their mutations, each with the region it is
    /// dialled in (the example's own, and once as "AU" for numbers with `+`).
    static let cases: [(number: String, region: String)] = {
        var out: [(String, String)] = []
        for region in regions {
            for t in 0..<RN_TYPE_UNKNOWN.rawValue {
                var buffer = [CChar](repeating: 0, count: 32)
                guard rn_example_number(region, rn_type(rawValue: t), &buffer, buffer.count) == 0 else { continue }
                let example = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                var digits = Array(example.utf8.dropFirst())  // without "+"
                var variants = [example, "+" + String(decoding: digits.dropLast(), as: UTF8.self), example + "7"]
                for position in [digits.count - 1, digits.count - 3, min(digits.count - 1, 3)] where position > 0 {
                    let saved = digits[position]
                    digits[position] = 48 + (saved - 48 + 1) % 10
                    variants.append("+" + String(decoding: digits, as: UTF8.self))
                    digits[position] = saved
                }
                for v in variants { out.append((v, region)) }
                out.append((example, "AU"))
            }
        }
        return out
    }()

    @Test func theOwnMatchingIsInUse() {
        #expect(rn_uses_own_type_matching() == 1)
    }

    @Test func everyExampleAndMutationGetsTheLibrarysAnswer() {
        let cases = Self.cases
        #expect(cases.count > 5_000)
        var types = Set<UInt32>()
        var disagreements: [String] = []
        for c in cases {
            let own = Self.answer(rn_parse, c.number, c.region)
            let reference = Self.answer(rn_parse_reference, c.number, c.region)
            if own != reference { disagreements.append("\(c.number) in \(c.region): \(own) vs \(reference)") }
            types.insert(reference.type)
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(5))")
        // The cases reach every type, and the refusals too.
        #expect(types.count == 12)
    }

    /// The matchers belong to threads: many threads at once get the library's answers.
    @Test func threadsAtOnceGetTheLibrarysAnswers() {
        let cases = Array(Self.cases.enumerated().filter { $0.offset % 7 == 0 }.map(\.element))
        let reference = cases.map { Self.answer(rn_parse_reference, $0.number, $0.region) }
        let slices = 8
        let wrong = DisagreementCount()
        DispatchQueue.concurrentPerform(iterations: slices) { s in
            for i in stride(from: s, to: cases.count, by: slices) where Self.answer(rn_parse, cases[i].number, cases[i].region) != reference[i] {
                wrong.add()
            }
        }
        #expect(wrong.value == 0)
    }
}

final class DisagreementCount: @unchecked Sendable {
    private let lock = NSLockLike()
    private var count = 0
    func add() { lock.locked { count += 1 } }
    var value: Int { lock.locked { count } }
}
