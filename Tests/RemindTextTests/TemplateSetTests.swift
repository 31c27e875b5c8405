import Foundation
import RemindCore
@testable import RemindText
import Testing

/// Loading, checking and choosing templates; rendering without HTML escaping.
@Suite struct TemplateSetTests {
    // MARK: Validation

    @Test func unknownElementNamesTemplateAndLine() throws {
        let set = TemplateSet(sources: ["appointment": "Hi {{first_name}},\nsee {{doctr}} soon\n{{#surgery}}x{{/surgery}}"])
        let errors = set.validate()
        #expect(errors.map(\.code) == [.unknownElement, .unknownElement])
        #expect(errors.map(\.line) == [2, 3])
        #expect(errors.map(\.element) == ["doctr", "surgery"])
        #expect(errors[0].template == "appointment.mustache")
        #expect(errors[0].description.hasPrefix("appointment.mustache:2: unknown element {{doctr}} (known: first_name "))
        // A template with a problem does not render.
        let error = #expect(throws: TextError.self) { try set.render(kind: .appointment, fields: [:]) }
        #expect(error?.code == .unknownElement)
    }

    @Test func extraColumnsAreAllowedWhenGiven() throws {
        let source = "Bring {{bring_item}} to {{clinic_room}}."
        #expect(TemplateSet(sources: ["recall": source]).validate().map(\.element) == ["bring_item", "clinic_room"])
        let set = TemplateSet(sources: ["recall": source], extraElements: ["bring_item", "clinic_room"])
        #expect(set.validate().isEmpty)
        let rendered = try set.render(kind: .recall, fields: ["bring_item": "your X-rays", "clinic_room": "Blue"])
        #expect(rendered.text == "Bring your X-rays to Blue.")
    }

    @Test func transformsAndCurrentValueInSections() throws {
        let set = TemplateSet(sources: ["birthday": "{{uppercased(first_name)}}{{#doctor}}, from {{.}}{{/doctor}}!"])
        #expect(set.validate().isEmpty)
        #expect(try set.render(kind: .birthday, fields: ["first_name": "ann", "doctor": "Dr Bo"]).text == "ANN, from Dr Bo!")
        #expect(try set.render(kind: .birthday, fields: ["first_name": "ann"]).text == "ANN!")
        let outside = TemplateSet(sources: ["birthday": "Hi\n{{.}}\n{{^doctor}}{{.}}{{/doctor}}"]).validate()
        #expect(outside.map(\.code) == [.unknownElement, .unknownElement])
        #expect(outside.map(\.line) == [2, 3])
    }

    /// Templates the compiled renderer must render as swift-mustache does (it is used only
    /// when it does): standalone section and comment lines, indentation, nesting, `{{.}}`.
    @Test(arguments: [
        "Hi {{first_name}},\n{{#doctor}}\n  with {{doctor}}\n{{/doctor}}\n{{! a comment }}\nbye {{^doctor}}nobody{{/doctor}}\n",
        "  {{#doctor}}  \nDr {{.}}{{#office}} in {{office}} ({{.}}){{/office}}\n  {{/doctor}}  \nend",
        "{{#doctor}}{{/doctor}}\n{{#doctor}}x{{/doctor}} {{^office}}\n{{/office}}\n{{{first_name}}}{{&last_name}}",
        "{{! only a comment (with parentheses) }}",
        "a\n\t{{^office}}\t\n none\n{{/office}}",
    ])
    func compiledRendererAgreesWithMustache(_ source: String) throws {
        let template = try Template(name: "recall", fileName: "recall.mustache", source: source)
        let compiled = try #require(template.compiled)
        let elements = ["first_name", "last_name", "doctor", "office"]
        for mask in 0..<(1 << elements.count) {
            var fields: [String: String] = [:]
            for (bit, element) in elements.enumerated() where mask & (1 << bit) != 0 {
                fields[element] = "O'Brien & <\(bit)>"
            }
            #expect(compiled.render(fields) == template.renderWithMustache(fields), "\(fields)")
        }
        let set = TemplateSet(sources: ["recall": source])
        #expect(set.isCompiled("recall"))
    }

    @Test func exactOutputOfStandaloneLines() throws {
        let source = "Hi {{first_name}},\n{{#doctor}}\n  with {{doctor}}\n{{/doctor}}\n{{! note }}\nbye"
        let set = TemplateSet(sources: ["recall": source])
        #expect(set.isCompiled("recall"))
        #expect(try set.render(kind: .recall, fields: ["first_name": "Ann", "doctor": "Dr Bo"]).text
            == "Hi Ann,\n  with Dr Bo\nbye")
        #expect(try set.render(kind: .recall, fields: ["first_name": "Ann"]).text == "Hi Ann,\nbye")
        // Transforms are left to swift-mustache.
        let transformed = TemplateSet(sources: ["recall": "{{uppercased(first_name)}}"])
        #expect(!transformed.isCompiled("recall"))
        #expect(try transformed.render(kind: .recall, fields: ["first_name": "ann"]).text == "ANN")
    }

    @Test(arguments: ["{{> footer}}", "{{< base}}{{/base}}", "{{$block}}x{{/block}}", "{{=<% %>=}}", "{{% CONTENT_TYPE: HTML }}"])
    func unsupportedTags(_ source: String) throws {
        let errors = TemplateSet(sources: ["broadcast": "Hello\n" + source]).validate()
        #expect(errors.map(\.code) == [.unsupportedTag])
        #expect(errors.first?.line == 2)
    }

    @Test func worstCaseTooLong() throws {
        // 150 fixed septets + " " + date at its limit (16) = 167 > 160; nothing to shorten.
        let fixed = String(repeating: "x", count: 150)
        let set = TemplateSet(sources: ["appointment": fixed + " {{date}}"])
        let errors = set.validate()
        #expect(errors.map(\.code) == [.worstCaseTooLong])
        #expect(errors.first?.length == 167)
        #expect(errors.first?.limit == 160)
        #expect(errors.first?.description == "appointment.mustache: worst case 167 septets in 2 segment(s) with every "
            + "element at its limit; limit 160 units in 3 segment(s)")
        // With 133 as the practice's limit, a shorter template fails the same way.
        let cms = TemplateSet(
            sources: ["appointment": String(repeating: "x", count: 120) + "{{date}}"], settings: TextSettings(maxLength: 133))
        #expect(cms.validate().first?.length == 136)
        // Elements of the shortening order count as dropped: this one can always fit.
        let shortenable = TemplateSet(sources: ["appointment": fixed + " {{doctor}}"])
        #expect(shortenable.validate().isEmpty)
        #expect(shortenable.info("appointment")?.worstCase.units == 173)
        #expect(shortenable.info("appointment")?.worstCaseShortened.units == 150)
    }

    @Test func worstCaseCoversEverySectionCombination() throws {
        // The inverted section's text is longer than the section's: the worst case is without a doctor.
        let source = "See you{{#doctor}} ({{doctor}}){{/doctor}}{{^doctor}} at the clinic, any of our 40 dentists will do{{/doctor}}."
        let set = TemplateSet(sources: ["appointment": source], settings: TextSettings(shortenOrder: []))
        let info = try #require(set.info("appointment"))
        #expect(info.worstCase.units == "See you at the clinic, any of our 40 dentists will do.".count)
        #expect(info.elements == ["doctor"])
    }

    @Test func fileNames() throws {
        let set = TemplateSet(sources: [
            "appointment": "a", "appointment.location-north": "b", "reminder": "c", "recall.North": "d", "recall.": "e",
        ])
        #expect(set.names == ["appointment", "appointment.location-north"])
        #expect(set.validate().map(\.template) == ["recall..mustache", "recall.North.mustache", "reminder.mustache"])
        #expect(set.validate().allSatisfy { $0.code == .invalidName })
    }

    // MARK: Rendering

    @Test func noHTMLEscaping() throws {
        let set = TemplateSet(sources: [
            "broadcast": "{{practice_name}} | {{{practice_name}}} | {{&practice_name}} | {{first_name}}",
        ])
        let rendered = try set.render(kind: .broadcast, fields: [
            "practice_name": "O'Brien & Sons <Dental>", "first_name": "\"Bo\"",
        ])
        #expect(rendered.text
            == "O'Brien & Sons <Dental> | O'Brien & Sons <Dental> | O'Brien & Sons <Dental> | \"Bo\"")
    }

    @Test func valuesAreOneLineAndAbsentWhenEmpty() throws {
        let set = TemplateSet(sources: ["recall": "Hi {{first_name}}{{#doctor}}, Dr {{doctor}}{{/doctor}}.\n"])
        let rendered = try set.render(kind: .recall, fields: ["first_name": " Ann\r\nMarie\t", "doctor": "  "])
        #expect(rendered.text == "Hi Ann Marie.")
    }

    @Test func emptyTextIsRejected() throws {
        let set = TemplateSet(sources: ["recall": "{{first_name}}\n"])
        let error = #expect(throws: TextError.self) { try set.render(kind: .recall, fields: [:]) }
        #expect(error?.code == .empty)
    }

    @Test func variants() throws {
        let set = TemplateSet(sources: [
            "appointment": "base", "appointment.location-north-sydney": "north",
            "appointment.doctor-dr-o-brien": "obrien", "broadcast": "all", "broadcast.flu-clinic": "flu",
        ])
        func render(_ kind: MessageKind, _ fields: [String: String], _ variant: String? = nil) throws -> String {
            let rendered = try set.render(kind: kind, fields: fields, variant: variant)
            return rendered.text + "/" + rendered.template
        }
        #expect(try render(.appointment, [:]) == "base/appointment")
        #expect(try render(.appointment, ["location": "North  Sydney"]) == "north/appointment.location-north-sydney")
        #expect(try render(.appointment, ["location": "South"]) == "base/appointment")
        // The doctor's variant comes before the location's.
        #expect(try render(.appointment, ["location": "North Sydney", "doctor": "Dr O’Brien"])
            == "obrien/appointment.doctor-dr-o-brien")
        #expect(try render(.broadcast, [:], "flu-clinic") == "flu/broadcast.flu-clinic")
        let missing = #expect(throws: TextError.self) { try render(.broadcast, [:], "covid") }
        #expect(missing?.code == .missingTemplate)
        #expect(missing?.template == "broadcast.covid.mustache")
        let noKind = #expect(throws: TextError.self) { try render(.recall, [:]) }
        #expect(noKind?.code == .missingTemplate)
        #expect(set.has(kind: .appointment) && !set.has(kind: .recall))
    }

    @Test func slugs() {
        #expect(TemplateSet.slug("North Sydney") == "north-sydney")
        #expect(TemplateSet.slug("Dr O'Brien") == "dr-o-brien")
        #expect(TemplateSet.slug("  Zoë Łukasiewicz ") == "zoe-ukasiewicz")
        #expect(TemplateSet.slug("Room 12/B") == "room-12-b")
        #expect(TemplateSet.slug("—") == "")
    }

    @Test func preparedText() throws {
        let set = TemplateSet(sources: [:])
        let text = try set.prepare(text: "  Your results are in – please call us.\r\n")
        #expect(text.text == "Your results are in - please call us.")
        #expect(text.measure == SMSLength(encoding: .gsm7, units: 37, segments: 1))
        let error = #expect(throws: TextError.self) { try set.prepare(text: String(repeating: "y", count: 161)) }
        #expect(error?.code == .tooLong)
    }

    // MARK: Directory

    @Test func loadsADirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("remindtext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ data: Data) throws {
            try data.write(to: directory.appendingPathComponent(name))
        }
        try write("appointment.mustache", Data("\u{FEFF}Hi {{first_name}},\r\nsee you {{date}}.\r\n".utf8))
        try write("recall.mustache", Data([0x48, 0x69, 0xFF, 0x0A]))  // not UTF-8
        try write(".birthday.mustache", Data("{{nope}}".utf8))  // dotfile: ignored
        try write("birthday.mustache.tmp", Data("{{nope}}".utf8))  // not *.mustache: ignored
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("broadcast.mustache"), withIntermediateDirectories: false)

        let set = try TemplateSet(directory: directory.path)
        #expect(set.names == ["appointment"])
        #expect(set.validate().map(\.code) == [.unreadable])
        #expect(set.validate().first?.template == "recall.mustache")
        let rendered = try set.render(kind: .appointment, fields: ["first_name": "Ann", "date": "Wed 5 Mar"])
        #expect(rendered.text == "Hi Ann,\nsee you Wed 5 Mar.")
        let error = #expect(throws: TextError.self) { try set.render(kind: .recall, fields: [:]) }
        #expect(error?.code == .unreadable)

        let missing = #expect(throws: TextError.self) {
            try TemplateSet(directory: directory.appendingPathComponent("none").path)
        }
        #expect(missing?.code == .unreadable)
    }
}
