/// The fields a column (or JSON key) of a list can feed: recalls, patients, broadcast
/// recipients and private messages. The raw values are the names configuration files use.
public enum ListField: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The record's id in the source (recall id, patient id, message id).
    case id
    case firstName = "first_name"
    case lastName = "last_name"
    case phone
    /// The recall's due date, or the patient's date of birth.
    case date
    /// The recall's reason, or a private message's text.
    case text
    /// The patient's gender (for broadcast filters).
    case gender
    /// The site, clinic or branch: the `{{location}}` element (kept as `extra["location"]`).
    case location
    /// The patient's name in one column, split as for appointments when the file has no
    /// first or last name column.
    case patientName = "patient_name"

    public var description: String { rawValue }
}
