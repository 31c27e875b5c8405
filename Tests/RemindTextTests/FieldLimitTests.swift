import RemindCore
import RemindText
import Testing

/// Per-element limits (defaults from the clinic CMS) and the total-length rule.
@Suite struct FieldLimitTests {
    static let cutElements: [(String, Int)] = [
        ("first_name", 25), ("last_name", 25), ("full_name", 25), ("doctor", 22), ("location", 25), ("practice_name", 25),
    ]
    static let exactElements: [(String, Int)] = [
        ("date", 16), ("time", 16), ("datetime", 16), ("weekday", 12), ("office", 5), ("practice_phone", 16),
    ]

    static func set(_ element: String) -> TemplateSet {
        TemplateSet(sources: ["appointment": "[{{\(element)}}]"])
    }

    static func rep(_ n: Int) -> String { String(repeating: "A", count: n) }

    @Test func defaultsAreTheCMSManuals() {
        let settings = TextSettings()
        for (element, limit) in Self.cutElements + Self.exactElements {
            #expect(settings.limit(for: element) == limit, "\(element)")
        }
        #expect(settings.limit(for: "some_extra") == 25)
        #expect(settings.maxLength == 160)
        #expect(settings.transliterate)
    }

    @Test(arguments: cutElements)
    func cutAtAWordBoundary(_ element: String, _ limit: Int) throws {
        let set = Self.set(element)
        // Exactly at the limit: unchanged.
        let atLimit = Self.rep(limit - 6) + " Bcdef"
        let kept = try set.render(kind: .appointment, fields: [element: atLimit])
        #expect(kept.text == "[\(atLimit)]")
        #expect(kept.truncated.isEmpty)
        // One over: the last word goes.
        let over = try set.render(kind: .appointment, fields: [element: Self.rep(limit - 6) + " Bcdefg"])
        #expect(over.text == "[\(Self.rep(limit - 6))]")
        #expect(over.truncated == [element])
        // A word that ends exactly at the limit is kept whole.
        let boundary = try set.render(kind: .appointment, fields: [element: atLimit + " Gh"])
        #expect(boundary.text == "[\(atLimit)]")
        // A single word longer than the limit is cut at the limit.
        let word = try set.render(kind: .appointment, fields: [element: Self.rep(limit + 3)])
        #expect(word.text == "[\(Self.rep(limit))]")
        #expect(word.truncated == [element])
    }

    @Test(arguments: exactElements)
    func exactElementsAreNeverCut(_ element: String, _ limit: Int) throws {
        let set = Self.set(element)
        let kept = try set.render(kind: .appointment, fields: [element: Self.rep(limit)])
        #expect(kept.text == "[\(Self.rep(limit))]")
        let error = #expect(throws: TextError.self) {
            try set.render(kind: .appointment, fields: [element: Self.rep(limit + 1)])
        }
        #expect(error?.code == .elementTooLong)
        #expect(error?.element == element)
        #expect(error?.length == limit + 1)
        #expect(error?.limit == limit)
        #expect(error?.description == "appointment.mustache: \(element) is \(limit + 1) characters, over its limit of \(limit) (never cut)")
    }

    @Test func cutTrimsDanglingSeparators() throws {
        let set = Self.set("practice_name")
        // The limit (25) falls in "Cooper"; the cut at the space before it leaves "… &", which goes too.
        let rendered = try set.render(kind: .appointment, fields: ["practice_name": "Harbourside Smiths & Cooper"])
        #expect(rendered.text == "[Harbourside Smiths]")
    }

    @Test func configuredLimitsApply() throws {
        var settings = TextSettings()
        settings.fieldLimits["doctor"] = 10
        settings.fieldLimits["room"] = 3
        let set = TemplateSet(sources: ["appointment": "{{doctor}}/{{room}}"], settings: settings, extraElements: ["room"])
        let rendered = try set.render(kind: .appointment, fields: ["doctor": "Dr Ann Bolton", "room": "Blue"])
        #expect(rendered.text == "Dr Ann/Blu")
        #expect(rendered.truncated == ["doctor", "room"])
    }

    // MARK: Total length: shorten in order at word boundaries, else reject

    static let template =
        "Hi {{first_name}}, see {{doctor}} on {{date}} at {{location}}.{{#practice_name}} {{practice_name}}{{/practice_name}}"
    static let fields = [
        "first_name": "Ann", "doctor": "Dr Ann Bolton", "date": "Wed 5 Mar",
        "location": "Harbour View Clinic", "practice_name": "Bay Dental",
    ]
    // Full text: "Hi Ann, see Dr Ann Bolton on Wed 5 Mar at Harbour View Clinic. Bay Dental" (73 septets).

    static func shortening(maxLength: Int) -> TemplateSet {
        TemplateSet(sources: ["appointment": template], settings: TextSettings(maxLength: maxLength))
    }

    @Test func fitsUnchanged() throws {
        let rendered = try Self.shortening(maxLength: 73).render(kind: .appointment, fields: Self.fields)
        #expect(rendered.text == "Hi Ann, see Dr Ann Bolton on Wed 5 Mar at Harbour View Clinic. Bay Dental")
        #expect(rendered.length == 73)
        #expect(rendered.shortened.isEmpty)
    }

    @Test func firstElementLosesOnlyTheWordsNeeded() throws {
        let rendered = try Self.shortening(maxLength: 72).render(kind: .appointment, fields: Self.fields)
        #expect(rendered.text == "Hi Ann, see Dr Ann Bolton on Wed 5 Mar at Harbour View. Bay Dental")
        #expect(rendered.shortened == ["location"])
    }

    @Test func elementsAreShortenedInOrder() throws {
        // location goes entirely (54), then practice_name word by word (47, then 43: the
        // section hides, its space goes too).
        let rendered = try Self.shortening(maxLength: 45).render(kind: .appointment, fields: Self.fields)
        #expect(rendered.text == "Hi Ann, see Dr Ann Bolton on Wed 5 Mar at .")
        #expect(rendered.shortened == ["location", "practice_name"])
        let further = try Self.shortening(maxLength: 40).render(kind: .appointment, fields: Self.fields)
        #expect(further.text == "Hi Ann, see Dr Ann on Wed 5 Mar at .")
        #expect(further.shortened == ["location", "practice_name", "doctor"])
    }

    @Test func rejectedWhenNothingFits() throws {
        let error = #expect(throws: TextError.self) {
            try Self.shortening(maxLength: 20).render(kind: .appointment, fields: Self.fields)
        }
        #expect(error?.code == .tooLong)
        #expect(error?.template == "appointment.mustache")
        #expect(error?.length == 30)
        #expect(error?.limit == 20)
        #expect(error?.description == "appointment.mustache: the text is 30 septets in 1 segment(s) after shortening "
            + "location, practice_name, doctor; limit 20 units in 3 segment(s)")
    }

    @Test func maxSegmentsIsAppliedToo() throws {
        // 89 UCS-2 units: two segments. With one segment allowed, the practice name goes,
        // and that is not enough: the name is not in the default shortening order.
        let template = "Hi {{full_name}}, it's time for your check-up at {{practice_name}}. Call 02 9876 5432 to book."
        let settings = TextSettings(maxSegments: 1)
        let set = TemplateSet(sources: ["recall": template], settings: settings)
        let fields = ["full_name": "Zoë Łukasiewicz", "practice_name": "Bay Dental"]
        let error = #expect(throws: TextError.self) { try set.render(kind: .recall, fields: fields) }
        #expect(error?.code == .tooLong)
        #expect(error?.description == "recall.mustache: the text is 79 UCS-2 units in 2 segment(s) after shortening "
            + "practice_name; limit 160 units in 1 segment(s)")
        // A shorter template fits in one UCS-2 segment once the practice name loses a word.
        let roomy = TemplateSet(
            sources: ["recall": "Hi {{full_name}}, time for a check-up at {{practice_name}}. Call 02 9876 5432."],
            settings: settings)
        let rendered = try roomy.render(kind: .recall, fields: fields)
        #expect(rendered.text == "Hi Zoë Łukasiewicz, time for a check-up at Bay. Call 02 9876 5432.")
        #expect(rendered.encoding == .ucs2)
        #expect(rendered.length == 66)
        #expect(rendered.segments == 1)
        #expect(rendered.shortened == ["practice_name"])
    }
}
