public import Foundation

/// Where a record came from: the inbox file (its name as dropped) and the 1-based line
/// (for HL7, the line of the message's MSH segment).
public struct SourcePosition: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// One appointment as an export describes it, after column mapping and date parsing.
/// Text fields are as exported (trimmed); nothing is validated beyond parsing.
public struct Appointment: Hashable, Sendable, Codable {
    /// The source system's appointment id (unique within the source).
    public var id: String
    public var firstName: String
    public var lastName: String
    /// The phone number as exported (not yet normalised).
    public var phone: String
    /// The appointment's start, an absolute instant (the exporter's local time resolved
    /// in the practice's time zone).
    public var start: Date
    public var doctor: String
    public var office: String
    /// The exporter's status word, lower-cased (for example `scheduled`, `cancelled`).
    public var status: String
    /// Every other mapped column, by its mapped name, for templates.
    public var extra: [String: String]

    public init(
        id: String, firstName: String, lastName: String, phone: String, start: Date,
        doctor: String = "", office: String = "", status: String = "scheduled", extra: [String: String] = [:]
    ) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.start = start
        self.doctor = doctor
        self.office = office
        self.status = status
        self.extra = extra
    }
}

/// A row or message of an input file that could not be turned into a record.
/// The row stays in the (archived) input file; this names its line and the reason.
public struct RowRejection: Hashable, Sendable, Codable, CustomStringConvertible {
    public var position: SourcePosition
    public var reason: String

    public init(position: SourcePosition, reason: String) {
        self.position = position
        self.reason = reason
    }

    public var description: String { "\(position): \(reason)" }
}
