import Foundation
import RemindCore
@testable import RemindText
import Testing

/// Field values reach the handset without control or bidi characters: they are cleaned
/// before they go into a template, the template's own line breaks stay, and nothing
/// invisible is counted (or sent) as GSM-7.
@Suite struct ControlCharacterTests {
    static let template = "Hi {{first_name}}, see {{doctor}} tomorrow.\nReply C to confirm."

    @Test func controlsInNameAndDoctorAreRemovedAndTheTextStaysGSM7() throws {
        let set = TemplateSet(sources: ["appointment": Self.template])
        let rendered = try set.render(kind: .appointment, fields: [
            "first_name": "A\u{0}n\u{1B}[31mn\u{07}",
            "doctor": "Dr\u{0085}\u{202E}Patel\u{202C}",
        ])
        // ESC goes, its "[31m" is ordinary text; NEL separates words; the bidi override and pop go.
        #expect(rendered.text == "Hi An[31mn, see Dr Patel tomorrow.\nReply C to confirm.")
        #expect(!rendered.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(rendered.encoding == .gsm7)
        #expect(rendered.length == SMSLength.measure(rendered.text).units)
        #expect(rendered.length == 55, "[ is an extension character: 54 characters, 55 septets")
        #expect(rendered.segments == 1)
        #expect(rendered.cleaned == ["first_name": 3, "doctor": 3])
    }

    @Test func aCleanValueIsNotReportedAndNewlinesInAValueAreSpacesNotNotices() throws {
        let set = TemplateSet(sources: ["appointment": Self.template])
        let rendered = try set.render(kind: .appointment, fields: ["first_name": "Ann\r\nMaree", "doctor": "Dr\tPatel"])
        #expect(rendered.text == "Hi Ann Maree, see Dr Patel tomorrow.\nReply C to confirm.")
        #expect(rendered.cleaned.isEmpty)
    }

    /// A name with a letter outside GSM-7 is UCS-2, and the removed characters are not
    /// counted in its length or its segments either.
    @Test func aUCS2TextIsMeasuredWithoutTheRemovedCharacters() throws {
        let set = TemplateSet(sources: ["appointment": Self.template])
        let name = "Łukasz" + String(repeating: "\u{0}", count: 40) + "\u{2066}\u{200F}"
        let rendered = try set.render(kind: .appointment, fields: ["first_name": name, "doctor": "Dr\u{9B}Patel"])
        #expect(rendered.text == "Hi Łukasz, see DrPatel tomorrow.\nReply C to confirm.")
        #expect(rendered.encoding == .ucs2)
        #expect(rendered.length == rendered.text.utf16.count)
        #expect(rendered.length == 52)
        #expect(rendered.segments == 1)
        #expect(rendered.cleaned == ["first_name": 42, "doctor": 1])
    }

    @Test func aValueOfOnlyControlsIsAbsent() throws {
        let set = TemplateSet(sources: ["appointment": "Hi{{#first_name}} {{first_name}}{{/first_name}}."])
        let rendered = try set.render(kind: .appointment, fields: ["first_name": "\u{0}\u{7F}\u{202D}"])
        #expect(rendered.text == "Hi.")
        #expect(rendered.cleaned == ["first_name": 3])
    }

    @Test func theTemplatesOwnLineBreaksStay() throws {
        let set = TemplateSet(sources: ["recall": "Hi {{first_name}},\n\nTime for a check-up."])
        #expect(try set.render(kind: .recall, fields: ["first_name": "Bo\u{0A}\u{0B}"]).text == "Hi Bo,\n\nTime for a check-up.")
    }

    @Test(arguments: Array(0x00...0x1F) + Array(0x7F...0x9F) + [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])
    func everyControlIsCleaned(_ value: Int) throws {
        let scalar = try #require(Unicode.Scalar(UInt32(value)))
        #expect(ControlCharacters.isControl(scalar))
        let result = ControlCharacters.clean("a" + String(Character(scalar)) + "b")
        #expect(result.value == "ab" || result.value == "a b")
        #expect(result.value.unicodeScalars.allSatisfy { !ControlCharacters.isControl($0) || $0 == " " })
    }

    /// GSM 03.38 puts `@` at septet 0x00, LF and CR in the basic table and form feed in the
    /// extension: no other control character may be counted or encoded as GSM-7, so a raw
    /// NUL can never go out as `@`.
    @Test func noControlCharacterIsGSM7ExceptTheStandardsLineBreaks() throws {
        for value in Array(0x00...0x1F) + Array(0x7F...0x9F) {
            let scalar = try #require(Unicode.Scalar(UInt32(value)))
            let text = "Hi" + String(Character(scalar))
            switch value {
            case 0x0A, 0x0D: #expect(GSM7.cost(of: scalar) == 1)
            case 0x0C: #expect(GSM7.cost(of: scalar) == 2, "form feed is the extension table's page break")
            default:
                #expect(GSM7.cost(of: scalar) == nil, "U+\(String(value, radix: 16))")
                #expect(!GSM7.canEncode(text))
                #expect(GSM7.septets(text) == nil)
                #expect(SMSLength.measure(text).encoding == .ucs2)
            }
        }
        #expect(GSM7.septets("@") == [0x00])
        #expect(GSM7.decode([0x00]) == "@")
    }

    @Test func anOrdinaryValueIsNotCopied() {
        let result = ControlCharacters.clean("Zoë Łukasiewicz – Dr O'Brien")
        #expect(result == ControlCharacters.Result(value: "Zoë Łukasiewicz – Dr O'Brien", removed: 0))
    }
}
