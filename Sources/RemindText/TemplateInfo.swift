public import RemindCore

/// What a template is and how long it can get, for `remindctl check-config` and previews.
public struct TemplateInfo: Sendable, Hashable {
    /// `appointment.location-north`.
    public var name: String
    /// The kind it renders.
    public var kind: MessageKind
    /// `location-north`, or nil for the kind's base template.
    public var variant: String?
    /// The elements it names, sorted.
    public var elements: [String]
    /// The longest it renders with every element at its limit, over every combination of
    /// sections shown and hidden.
    public var worstCase: SMSLength
    /// The same with the elements of the shortening order dropped: when this fits, every
    /// message fits (for GSM-7 element values).
    public var worstCaseShortened: SMSLength

    /// Information as given.
    public init(
        name: String, kind: MessageKind, variant: String?, elements: [String], worstCase: SMSLength,
        worstCaseShortened: SMSLength
    ) {
        self.name = name
        self.kind = kind
        self.variant = variant
        self.elements = elements
        self.worstCase = worstCase
        self.worstCaseShortened = worstCaseShortened
    }
}
