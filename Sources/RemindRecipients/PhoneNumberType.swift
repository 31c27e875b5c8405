/// What kind of line a number is, as libphonenumber's metadata classifies it.
/// The raw values are the names the configuration uses (`recipients.types`).
public enum PhoneNumberType: String, Hashable, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case fixedLine = "fixed_line"
    case mobile
    /// Regions such as the USA and Canada cannot tell landlines from mobiles by number.
    case fixedLineOrMobile = "fixed_line_or_mobile"
    case tollFree = "toll_free"
    case premiumRate = "premium_rate"
    case sharedCost = "shared_cost"
    case voip
    case personalNumber = "personal_number"
    case pager
    /// "Universal access" or company numbers (AU 13/1300, GB 03).
    case uan
    case voicemail
    case unknown

    /// The types texted unless configured otherwise: mobiles, and numbers that may be
    /// mobiles in regions whose numbering cannot tell.
    public static let textedByDefault: Set<PhoneNumberType> = [.mobile, .fixedLineOrMobile]

    /// A phrase for reasons and logs: `a landline`, `a toll-free number`.
    public var description: String {
        switch self {
        case .fixedLine: "a landline"
        case .mobile: "a mobile"
        case .fixedLineOrMobile: "a landline or mobile"
        case .tollFree: "a toll-free number"
        case .premiumRate: "a premium-rate number"
        case .sharedCost: "a shared-cost number"
        case .voip: "a VoIP number"
        case .personalNumber: "a personal number"
        case .pager: "a pager"
        case .uan: "a company number"
        case .voicemail: "a voicemail number"
        case .unknown: "a number of unknown type"
        }
    }
}
