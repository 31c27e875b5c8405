public import RemindCore

/// One appointment read from an input file, with where it came from.
public struct ParsedAppointment: Hashable, Sendable {
    public var position: SourcePosition
    public var appointment: Appointment

    public init(position: SourcePosition, appointment: Appointment) {
        self.position = position
        self.appointment = appointment
    }
}
