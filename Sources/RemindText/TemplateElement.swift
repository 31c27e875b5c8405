/// The elements a template may name (the template vocabulary), besides the extra columns
/// of the source, which are named by their mapped name.
public enum TemplateElement: String, Sendable, Hashable, CaseIterable, Codable {
    /// The patient's first name.
    case firstName = "first_name"
    /// The patient's last name.
    case lastName = "last_name"
    /// First and last name, separated by a space.
    case fullName = "full_name"
    /// The appointment's date (pattern ``DateFormats/date``).
    case date
    /// The appointment's time (pattern ``DateFormats/time``).
    case time
    /// The appointment's weekday (pattern ``DateFormats/weekday``).
    case weekday
    /// The appointment's date and time (pattern ``DateFormats/datetime``).
    case datetime
    /// The doctor (provider) as exported.
    case doctor
    /// The office (surgery, room) as exported.
    case office
    /// The practice location: the source's `location` column, else the practice's.
    case location
    /// The practice's name.
    case practiceName = "practice_name"
    /// The practice's phone number, as patients should dial it.
    case practicePhone = "practice_phone"

    /// All element names.
    public static let names: Set<String> = Set(allCases.map(\.rawValue))

    /// Whether `name` can name an element: a lowercase ASCII letter, then lowercase
    /// letters, digits and `_`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }

    /// The element name of an extra source column: its header lowercased, each run of
    /// characters other than ASCII letters and digits as one `_`, none at either end
    /// (`"Recall Reason"` → `recall_reason`, `"Insurer #"` → `insurer`). Nil when nothing
    /// is left or it does not start with a letter.
    public static func name(ofColumn header: String) -> String? {
        var out = ""
        var gap = false
        for scalar in header.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if gap && !out.isEmpty { out.append("_") }
                out.unicodeScalars.append(scalar)
                gap = false
            } else {
                gap = true
            }
        }
        return isValidName(out) ? out : nil
    }
}
