import RemindText
import RemindCore
import Testing

/// Segment counts at the GSM 03.38 / TS 23.040 boundaries.
@Suite struct SMSLengthTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var text: String
        var encoding: SMSEncoding
        var units: Int
        var segments: Int
        var testDescription: String { label }
    }

    static let a = "a"
    static let l = "Ł"  // not in GSM-7: makes the text UCS-2, one UTF-16 unit
    static let emoji = "😀"  // outside the BMP: a surrogate pair, two units

    static func rep(_ s: String, _ n: Int) -> String { String(repeating: s, count: n) }

    static let cases: [Case] = [
        Case(label: "empty", text: "", encoding: .gsm7, units: 0, segments: 1),
        // GSM-7 single and concatenated
        Case(label: "160 septets", text: rep(a, 160), encoding: .gsm7, units: 160, segments: 1),
        Case(label: "161 septets", text: rep(a, 161), encoding: .gsm7, units: 161, segments: 2),
        Case(label: "153×2 septets", text: rep(a, 306), encoding: .gsm7, units: 306, segments: 2),
        Case(label: "307 septets", text: rep(a, 307), encoding: .gsm7, units: 307, segments: 3),
        Case(label: "153×3 septets", text: rep(a, 459), encoding: .gsm7, units: 459, segments: 3),
        // An extension character costs two septets, also at the single-message boundary.
        Case(label: "158 + € = 160", text: rep(a, 158) + "€", encoding: .gsm7, units: 160, segments: 1),
        Case(label: "159 + € = 161", text: rep(a, 159) + "€", encoding: .gsm7, units: 161, segments: 2),
        // The escape and its character never straddle two parts: € at 153/154 moves whole.
        Case(label: "152 + € + 152 = 306, € split", text: rep(a, 152) + "€" + rep(a, 152),
             encoding: .gsm7, units: 306, segments: 3),
        Case(label: "151 + € + 153 = 306, € fits", text: rep(a, 151) + "€" + rep(a, 153),
             encoding: .gsm7, units: 306, segments: 2),
        Case(label: "152 + { + 151 = 305", text: rep(a, 152) + "{" + rep(a, 151), encoding: .gsm7, units: 305, segments: 2),
        // UCS-2 single and concatenated
        Case(label: "70 units", text: rep(l, 70), encoding: .ucs2, units: 70, segments: 1),
        Case(label: "71 units", text: rep(l, 71), encoding: .ucs2, units: 71, segments: 2),
        Case(label: "67×2 units", text: rep(l, 134), encoding: .ucs2, units: 134, segments: 2),
        Case(label: "135 units", text: rep(l, 135), encoding: .ucs2, units: 135, segments: 3),
        // One non-GSM character makes the whole text UCS-2.
        Case(label: "69 GSM + ë", text: rep(a, 69) + "ë", encoding: .ucs2, units: 70, segments: 1),
        Case(label: "70 GSM + ë", text: rep(a, 70) + "ë", encoding: .ucs2, units: 71, segments: 2),
        // An emoji is two units, and never split across parts.
        Case(label: "68 + emoji = 70", text: rep(l, 68) + emoji, encoding: .ucs2, units: 70, segments: 1),
        Case(label: "69 + emoji = 71", text: rep(l, 69) + emoji, encoding: .ucs2, units: 71, segments: 2),
        Case(label: "66 + emoji + 66 = 134, pair split", text: rep(l, 66) + emoji + rep(l, 66),
             encoding: .ucs2, units: 134, segments: 3),
        Case(label: "65 + emoji + 67 = 134, pair fits", text: rep(l, 65) + emoji + rep(l, 67),
             encoding: .ucs2, units: 134, segments: 2),
        Case(label: "GSM text + emoji", text: "See you soon " + emoji, encoding: .ucs2, units: 15, segments: 1),
    ]

    @Test(arguments: cases)
    func measure(_ c: Case) {
        let length = SMSLength.measure(c.text)
        #expect(length == SMSLength(encoding: c.encoding, units: c.units, segments: c.segments))
        #expect(SMSLength.parts(c.text).count == c.segments)
        #expect(SMSLength.parts(c.text).joined() == c.text)
    }

    @Test(arguments: ["^", "{", "}", "\\", "[", "~", "]", "|", "€", "\u{0C}"])
    func extensionCharactersCostTwoSeptets(_ c: String) {
        #expect(SMSLength.measure("ab" + c) == SMSLength(encoding: .gsm7, units: 4, segments: 1))
    }

    @Test func partsKeepEscapesAndPairsWhole() throws {
        let gsm = SMSLength.parts(Self.rep("a", 152) + "€" + Self.rep("a", 152))
        #expect(gsm.map { SMSLength.measure($0).units } == [152, 153, 1])
        #expect(gsm[1].hasPrefix("€"))
        let ucs = SMSLength.parts(Self.rep("Ł", 66) + Self.emoji + Self.rep("Ł", 66))
        #expect(ucs.map(\.utf16.count) == [66, 67, 1])
        #expect(ucs[1].hasPrefix(Self.emoji))
    }

    @Test func alphabet() {
        // Letters of the basic table, and some that are not in it.
        #expect(GSM7.canEncode("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà"))
        for c in ["ë", "Ł", "ç", "á", "ó", "`", "\t", "\u{1B}", "’"] {
            #expect(!GSM7.canEncode(c), "\(c.unicodeScalars.first!.value)")
        }
        #expect(GSM7.isBasic("Hello @ £5"))
        #expect(!GSM7.isBasic("€5"))
    }

    @Test func septetsRoundTrip() throws {
        #expect(GSM7.septets("@£€a\n") == [0x00, 0x01, 0x1B, 0x65, 0x61, 0x0A])
        #expect(GSM7.septets("Zoë") == nil)
        let text = "Hi [Zoe] {x} ~^|\\ €10 ÆØÅ æøå ¿¡"
        let septets = try #require(GSM7.septets(text))
        #expect(septets.count == SMSLength.measure(text).units)
        #expect(GSM7.decode(septets) == text)
        #expect(GSM7.decode([0x1B]) == nil)
        #expect(GSM7.decode([0x1B, 0x01]) == nil)
    }
}
