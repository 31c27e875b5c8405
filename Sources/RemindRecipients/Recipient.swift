import RemindCore

/// A number that may be texted: its E.164 form and what kind of line it is.
public struct Recipient: Hashable, Sendable, CustomStringConvertible {
    /// `+` and up to 15 digits, like `+61412345678`.
    public var e164: String
    public var type: PhoneNumberType
    /// The column it came from when several were tried (``PhoneFields``), else nil.
    public var field: String?
    /// The other valid numbers (E.164, any type) of the field it was chosen from, when
    /// that field held several (`0412 345 688 / 0412 345 689`); empty for a field of one.
    public var others: [String] = []

    public init(e164: String, type: PhoneNumberType, field: String? = nil, others: [String] = []) {
        self.e164 = e164
        self.type = type
        self.field = field
        self.others = others
    }

    /// Masked (``RemindCore/PhoneMask``), so it is safe in logs.
    public var description: String { "\(PhoneMask.mask(e164)) (\(type.rawValue))" }
}
