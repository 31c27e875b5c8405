import RemindCore
import RemindText
import Testing

@Suite struct TransliterationTests {
    @Test func typographicCharactersBecomeGSM7() {
        let pasted = "“See you soon,” we’re told – it’s ‘fine’ — really…\u{00A0}ok\u{00AD}\u{200B} •\u{202F}x"
        let text = Transliteration.apply(pasted)
        #expect(text == "\"See you soon,\" we're told - it's 'fine' - really... ok - x")
        #expect(SMSLength.measure(text).encoding == .gsm7)
    }

    @Test func lettersAreNeverChanged() {
        #expect(Transliteration.apply("Zoë Łukasiewicz") == "Zoë Łukasiewicz")
        #expect(Transliteration.apply("François Nguyễn") == "François Nguyễn")
    }

    @Test func decomposedAccentsAreComposed() {
        let decomposed = "Rene\u{0301}e"  // e + combining acute
        #expect(SMSLength.measure(decomposed).encoding == .ucs2)
        let text = Transliteration.apply(decomposed)
        #expect(text == "Renée")
        #expect(SMSLength.measure(text) == SMSLength(encoding: .gsm7, units: 5, segments: 1))
    }

    @Test func curlyQuoteTemplateStaysOneGSMSegment() throws {
        let template = "Hi {{first_name}}, it’s “{{practice_name}}” – we’ll see you {{date}} at {{time}}… Reply ‘STOP’ to opt out."
        let set = TemplateSet(sources: ["appointment": template])
        #expect(set.validate().isEmpty)
        let fields = ["first_name": "Ann", "practice_name": "Bay Dental", "date": "Wed 5 Mar", "time": "2:30 pm"]
        let rendered = try set.render(kind: .appointment, fields: fields)
        #expect(rendered.text
            == "Hi Ann, it's \"Bay Dental\" - we'll see you Wed 5 Mar at 2:30 pm... Reply 'STOP' to opt out.")
        #expect(rendered.encoding == .gsm7)
        #expect(rendered.length == 90)
        #expect(rendered.segments == 1)

        // Without transliteration the same template costs UCS-2 (and two segments).
        let raw = TemplateSet(sources: ["appointment": template], settings: TextSettings(transliterate: false))
        let costly = try raw.render(kind: .appointment, fields: fields)
        #expect(costly.encoding == .ucs2)
        #expect(costly.length == 88)
        #expect(costly.segments == 2)
    }

    @Test func nonGSMNameMakesTheMessageUCS2() throws {
        let template = "Hi {{full_name}}, it’s time for your check-up at {{practice_name}}. Call {{practice_phone}} to book."
        let set = TemplateSet(sources: ["recall": template])
        let fields = ["full_name": "Zoë Łukasiewicz", "practice_name": "Bay Dental", "practice_phone": "02 9876 5432"]
        let rendered = try set.render(kind: .recall, fields: fields)
        let expected = "Hi Zoë Łukasiewicz, it's time for your check-up at Bay Dental. Call 02 9876 5432 to book."
        #expect(rendered.text == expected)
        #expect(rendered.encoding == .ucs2)
        #expect(rendered.length == 89)
        #expect(rendered.segments == 2)  // 89 UTF-16 units: over 70, within 2 × 67

        // The same message for a GSM-7 name is one segment.
        let plain = try set.render(kind: .recall, fields: fields.merging(["full_name": "Zoe Lukasiewicz"]) { $1 })
        #expect(plain.encoding == .gsm7)
        #expect(plain.length == 89)
        #expect(plain.segments == 1)
    }
}
