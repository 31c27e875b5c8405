public import RemindCore

/// One row of a list (recalls, patients, broadcast recipients, private messages), after
/// column mapping and date parsing. Text fields are as exported, trimmed.
public struct ListRecord: Hashable, Sendable {
    public var position: SourcePosition
    /// The source's id of the record; empty when the list has no id column (broadcasts
    /// and private messages may go without).
    public var id: String
    public var firstName: String
    public var lastName: String
    /// The phone number as exported (not yet normalised).
    public var phone: String
    /// The recall's due date or the patient's date of birth; nil when the kind has none.
    public var date: CivilDate?
    /// The recall's reason or the private message's text; empty when absent.
    public var text: String
    public var gender: String
    /// Every other column by its header as written (JSON keys as they are).
    public var extra: [String: String]

    public init(
        position: SourcePosition, id: String = "", firstName: String = "", lastName: String = "", phone: String,
        date: CivilDate? = nil, text: String = "", gender: String = "", extra: [String: String] = [:]
    ) {
        self.position = position
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.date = date
        self.text = text
        self.gender = gender
        self.extra = extra
    }

    /// The value of a column by its header (compared like headers: case, spaces, `_` and
    /// `-` ignored): a mapped field's value, or an extra column's. Nil when there is none.
    public func value(ofColumn name: String) -> String? {
        let key = AppointmentColumns.normalize(name)
        switch key {
        case "id": return id
        case "firstname": return firstName
        case "lastname": return lastName
        case "phone": return phone
        case "text": return text
        case "gender", "sex": return gender
        default: break
        }
        for (header, value) in extra where AppointmentColumns.normalize(header) == key { return value }
        return nil
    }
}

/// What a list parser made of one file: the good records and the rejected rows, in file order.
public struct ParsedList: Hashable, Sendable {
    public var records: [ListRecord]
    public var rejections: [RowRejection]

    public init(records: [ListRecord] = [], rejections: [RowRejection] = []) {
        self.records = records
        self.rejections = rejections
    }
}
