public import RemindCore

/// One appointment read from an input file, with where it came from.
public struct ParsedAppointment: Hashable, Sendable {
    public var position: SourcePosition
    public var appointment: Appointment
    /// The HL7 SIU trigger event that carried it (new, rescheduled, cancelled …); nil for
    /// formats that list appointments as they stand (CSV, JSON Lines), where the status
    /// alone says what to do.
    public var event: SIUTriggerEvent?

    public init(position: SourcePosition, appointment: Appointment, event: SIUTriggerEvent? = nil) {
        self.position = position
        self.appointment = appointment
        self.event = event
    }
}
