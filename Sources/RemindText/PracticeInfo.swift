/// What templates say about the practice itself.
public struct PracticeInfo: Sendable, Hashable, Codable {
    /// The practice's name as patients know it (`practice_name`).
    public var name: String
    /// The number patients should call (`practice_phone`), as it should be printed.
    public var phone: String
    /// The location used when a record names none (`location`).
    public var location: String

    /// Practice details; `location` may be empty.
    public init(name: String, phone: String, location: String = "") {
        self.name = name
        self.phone = phone
        self.location = location
    }
}
