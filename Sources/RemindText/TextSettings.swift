/// Limits and options for rendering, with defaults from the clinic CMS manual.
///
/// The length rules, in order:
/// 1. Each element value is trimmed, has line breaks and tabs replaced by spaces, and is
///    transliterated when ``transliterate`` is on.
/// 2. **Field limits.** A value longer than its limit (``limit(for:)``, in characters) is
///    cut at the last word boundary within the limit (a single word longer than the limit
///    is cut at the limit), except an element in ``exactElements`` (dates, times, the
///    office, the practice phone), which is never cut: its message is rejected instead,
///    because a cut date or room number would mislead the patient.
/// 3. **Total limit.** The rendered text must be at most ``maxLength`` units (septets for
///    GSM-7, UTF-16 units for UCS-2) and at most ``maxSegments`` segments.
/// 4. **Shortening.** When it is not, the elements of ``shortenOrder`` are shortened one
///    after the other, in that order, each by dropping whole words from its end until the
///    text fits; an element may be dropped entirely (wrap optional elements in a section,
///    `{{#doctor}} with {{doctor}}{{/doctor}}`, so their words go with them).
/// 5. **Rejection.** If the text still does not fit, the message is rejected with a
///    ``TextError`` naming the template and the lengths.
public struct TextSettings: Sendable, Hashable, Codable {
    /// Maximum characters per element, by element name (standard or extra).
    public var fieldLimits: [String: Int]
    /// The limit of an element that has none in ``fieldLimits`` (extra columns).
    public var defaultLimit: Int
    /// Elements that are never cut: a value over its limit rejects the message.
    public var exactElements: Set<String>
    /// Maximum units of the whole text: 160 (one GSM-7 segment) by default; the CMS uses 133.
    public var maxLength: Int
    /// Maximum segments of the whole text: 3 by default, so a 160-character text that
    /// needs UCS-2 for a patient's name (3 × 67 units) is still sent.
    public var maxSegments: Int
    /// Replace typographic characters with GSM-7 equivalents (see ``Transliteration``).
    public var transliterate: Bool
    /// Elements shortened, in this order, when the text is too long.
    public var shortenOrder: [String]

    /// Element limits from the clinic CMS manual (name 25, date and time 16, doctor 22,
    /// office 5) and sensible ones for the elements it does not have.
    public static let defaultFieldLimits: [String: Int] = [
        "first_name": 25, "last_name": 25, "full_name": 25,
        "date": 16, "time": 16, "datetime": 16, "weekday": 12,
        "doctor": 22, "office": 5, "location": 25,
        "practice_name": 25, "practice_phone": 16,
    ]

    /// Dates, times, the office and the practice phone: cutting them would mislead.
    public static let defaultExactElements: Set<String> = [
        "date", "time", "datetime", "weekday", "office", "practice_phone",
    ]

    /// Least important first: where, who from, with whom. Patients' names are not in it:
    /// a name cut to nothing would read worse than a message that is not sent.
    public static let defaultShortenOrder = ["location", "practice_name", "doctor"]

    /// The ``maxLength`` a configuration may set: up to ten GSM-7 parts (10 × 153).
    public static let maxLengthRange = 1...1530
    /// The ``maxSegments`` a configuration may set.
    public static let maxSegmentsRange = 1...10

    /// Settings with the CMS defaults; override any of them.
    public init(
        fieldLimits: [String: Int] = TextSettings.defaultFieldLimits,
        defaultLimit: Int = 25,
        exactElements: Set<String> = TextSettings.defaultExactElements,
        maxLength: Int = 160,
        maxSegments: Int = 3,
        transliterate: Bool = true,
        shortenOrder: [String] = TextSettings.defaultShortenOrder
    ) {
        precondition(fieldLimits.values.allSatisfy { $0 >= 0 } && defaultLimit >= 0, "limits are not negative")
        precondition(maxLength > 0 && maxSegments > 0, "the total limits are positive")
        self.fieldLimits = fieldLimits
        self.defaultLimit = defaultLimit
        self.exactElements = exactElements
        self.maxLength = maxLength
        self.maxSegments = maxSegments
        self.transliterate = transliterate
        self.shortenOrder = shortenOrder
    }

    /// The limit of an element, in characters.
    public func limit(for element: String) -> Int {
        fieldLimits[element] ?? defaultLimit
    }

    /// Whether a measured text is within ``maxLength`` and ``maxSegments``.
    public func fits(_ length: SMSLength) -> Bool {
        length.units <= maxLength && length.segments <= maxSegments
    }
}
