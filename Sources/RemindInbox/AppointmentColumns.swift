/// Which column headers (or JSON keys) feed which ``AppointmentField``.
///
/// Names are compared case-insensitively with spaces, `_` and `-` ignored, so `Appt ID`,
/// `appt_id` and `APPTID` are one name. Each field has a list of names in order of
/// preference: when a file has several columns for one field (both `Mobile` and `Phone`),
/// the earliest name in the list wins and the others are kept as extra columns.
public struct AppointmentColumns: Hashable, Sendable {
    /// The names of each field, in order of preference, as given.
    public private(set) var names: [AppointmentField: [String]]
    /// Normalised name → (field, preference rank).
    private var lookup: [String: Lookup] = [:]

    struct Lookup: Hashable, Sendable {
        var field: AppointmentField
        var rank: Int
    }

    /// The default names, covering common practice-system exports.
    public static let defaultNames: [AppointmentField: [String]] = [
        .id: [
            "id", "appointment id", "appt id", "appointment no", "appointment number", "booking id", "appt no", "appt",
            "appointment", "appt number",
        ],
        .firstName: ["first name", "firstname", "given name", "forename", "patient forename", "patient first name", "first"],
        .lastName: ["last name", "surname", "family name", "patient surname", "patient last name", "last"],
        .patientName: ["patient name", "patient", "name", "full name", "patient full name"],
        .phone: [
            "mobile", "mobile phone", "mobile number", "mobile no", "cell", "cell phone", "sms", "sms number", "sms phone",
            "phone", "phone number", "telephone",
        ],
        .start: ["start", "start date time", "appointment start", "date time", "appointment date time", "when"],
        .date: ["date", "appointment date", "appt date", "start date"],
        .time: ["time", "appointment time", "appt time", "start time"],
        .doctor: ["doctor", "provider", "practitioner", "clinician", "dentist"],
        .office: ["office", "room", "surgery", "chair"],
        .status: ["status", "appointment status", "appt status", "state"],
        .location: ["location", "site", "clinic", "branch", "practice location"],
    ]

    /// The default names, with the fields in `overrides` given their own lists instead.
    public init(_ overrides: [AppointmentField: [String]] = [:]) {
        var names = Self.defaultNames
        for (field, list) in overrides { names[field] = list }
        self.names = names
        for field in AppointmentField.allCases {
            for (rank, name) in (names[field] ?? []).enumerated() {
                let key = Self.normalize(name)
                if !key.isEmpty && lookup[key] == nil { lookup[key] = Lookup(field: field, rank: rank) }
            }
        }
    }

    /// The field a header or key feeds, with its rank in that field's list (lower wins).
    func lookup(_ header: String) -> Lookup? {
        lookup[Self.normalize(header)]
    }

    /// Lower-cased, with spaces, `_` and `-` removed.
    static func normalize(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars where scalar != " " && scalar != "_" && scalar != "-" && scalar != "\t" {
            out.unicodeScalars.append(scalar)
        }
        return out.lowercased()
    }
}
