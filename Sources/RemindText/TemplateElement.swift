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
}
