public import RemindCore

/// Which columns of an export may hold the number to text, in order of preference:
/// `phone` is the mapped phone column (whichever header fed it: `Mobile`, `Cell`,
/// `SMS` …); any other name is an extra column, matched as headers are (case, spaces,
/// `_` and `-` ignored), so `home phone` finds `HomePhone`.
public struct PhoneFields: Hashable, Sendable {
    /// One column's value.
    public struct Candidate: Hashable, Sendable {
        public var field: String
        public var value: String

        public init(field: String, value: String) {
            self.field = field
            self.value = value
        }
    }

    /// The name of the mapped phone column.
    public static let mappedPhone = "phone"
    /// `phone`, then the home and work numbers (used only when they are mobiles).
    public static let defaultNames = ["phone", "home phone", "work phone"]

    /// The names, as given.
    public let names: [String]
    private let keys: [String]

    public init(_ names: [String] = Self.defaultNames) {
        self.names = names
        self.keys = names.map(Self.key)
    }

    /// Each named column's value in `appointment`, in order; missing columns are left out.
    public func candidates(in appointment: Appointment) -> [Candidate] {
        var out: [Candidate] = []
        out.reserveCapacity(names.count)
        var extras: [(key: String, value: String)]?
        for (name, key) in zip(names, keys) {
            if key == Self.mappedPhone {
                out.append(Candidate(field: name, value: appointment.phone))
                continue
            }
            if extras == nil { extras = appointment.extra.map { (Self.key($0.key), $0.value) } }
            if let match = extras!.first(where: { $0.key == key }) {
                out.append(Candidate(field: name, value: match.value))
            }
        }
        return out
    }

    /// Lower-cased, without spaces, `_`, `-` and tabs (as the inbox compares headers).
    static func key(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.filter { $0 != " " && $0 != "_" && $0 != "-" && $0 != "\t" })).lowercased()
    }
}
