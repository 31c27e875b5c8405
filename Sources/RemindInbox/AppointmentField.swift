/// The fields of an ``RemindCore/Appointment`` an input column or JSON key can feed.
/// The raw values are the names configuration files and JSON Lines use.
public enum AppointmentField: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case id
    case firstName = "first_name"
    case lastName = "last_name"
    case phone
    /// The start as one value (date and time).
    case start
    /// The start's date, with ``time``.
    case date
    /// The start's time of day, with ``date``.
    case time
    case doctor
    case office
    case status
    /// The site, clinic or branch: the `{{location}}` element (kept as `extra["location"]`).
    case location
    /// The patient's name in one column (`Patient Name`): split into first and last name
    /// when the file has no first or last name column (``AppointmentBuilder/split(name:)``).
    case patientName = "patient_name"

    public var description: String { rawValue }
}
