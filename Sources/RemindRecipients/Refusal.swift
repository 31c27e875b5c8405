/// Why a number is not texted. The message names the reason and, when several
/// columns were tried, the columns; it never contains the number, so it is safe for
/// the journal and for rejection reports.
public struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String, Hashable, Sendable {
            case empty, letters, notANumber, invalidCountryCode, tooShort, tooLong, invalid, localOnly, notTexted, optedOut
        }
        let value: Value

        /// No number at all (an empty field).
        public static let empty = Code(value: .empty)
        /// Letters where digits belong (`0412 ABC 678`): never guessed into digits.
        public static let letters = Code(value: .letters)
        /// Nothing that looks like a phone number.
        public static let notANumber = Code(value: .notANumber)
        /// An international number with an unknown country calling code.
        public static let invalidCountryCode = Code(value: .invalidCountryCode)
        /// Fewer digits than any number of its region.
        public static let tooShort = Code(value: .tooShort)
        /// More digits than any number of its region.
        public static let tooLong = Code(value: .tooLong)
        /// A possible length, but not a number its region issues.
        public static let invalid = Code(value: .invalid)
        /// A local number without its area code.
        public static let localOnly = Code(value: .localOnly)
        /// A valid number of a type that is not texted (a landline, toll-free …).
        public static let notTexted = Code(value: .notTexted)
        /// The number is on the opt-out list.
        public static let optedOut = Code(value: .optedOut)

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// What the reason is, in words, without the number.
    public let message: String
    /// The number's type, for ``Code/notTexted``.
    public let numberType: PhoneNumberType?
    /// The column the refused number came from, when columns were named.
    public let field: String?

    public init(code: Code, message: String, numberType: PhoneNumberType? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.numberType = numberType
        self.field = field
    }

    /// `MESSAGE`, or `FIELD: MESSAGE` when a column was named.
    public var description: String { field.map { "\($0): \(message)" } ?? message }

    /// The same refusal, attributed to a column.
    func attributed(to field: String) -> Refusal {
        Refusal(code: code, message: message, numberType: numberType, field: field)
    }

    /// A number on the opt-out list.
    public static let optedOut = Refusal(code: .optedOut, message: "opted out")
}
