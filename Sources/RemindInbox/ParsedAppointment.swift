public import RemindCore

/// One appointment read from an input file, with where it came from.
public struct ParsedAppointment: Hashable, Sendable {
    public var position: SourcePosition
    public var appointment: Appointment
    /// The HL7 SIU trigger event that carried it (new, rescheduled, cancelled …); nil for
    /// formats that list appointments as they stand (CSV, JSON Lines), where the status
    /// alone says what to do.
    public var event: SIUTriggerEvent?
    /// Why a valid record cannot be reminded whatever its status (an HL7 message whose
    /// PID-13 has no mobile): the pipeline rejects it with this reason unless it withdraws.
    /// The message is still accepted (an HL7 ACK of AA, with this reason in its text).
    public var unremindable: String?

    public init(position: SourcePosition, appointment: Appointment, event: SIUTriggerEvent? = nil, unremindable: String? = nil) {
        self.position = position
        self.appointment = appointment
        self.event = event
        self.unremindable = unremindable
    }
}
