/// A problem with a template, an element value or a rendered text.
///
/// The message names the template (its file name) and line where there is one, and the
/// lengths where they matter. It never contains an element value or rendered text
/// (patient data), so it can go to the journal as is.
public struct TextError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadable
            case invalidName
            case syntax
            case unsupportedTag
            case unknownElement
            case worstCaseTooLong
            case missingTemplate
            case elementTooLong
            case tooLong
            case empty
            case invalidSender
            case invalidDateFormat
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The templates directory or a template file could not be read, or is not UTF-8.
        public static let unreadable = Code(.unreadable)
        /// A template file's name is not `<kind>.mustache` or `<kind>.<variant>.mustache`.
        public static let invalidName = Code(.invalidName)
        /// A template is not valid Mustache.
        public static let syntax = Code(.syntax)
        /// A template uses a Mustache feature SMS templates do not allow (partials,
        /// inheritance, delimiter changes, pragmas).
        public static let unsupportedTag = Code(.unsupportedTag)
        /// A template names an element that is not in the vocabulary.
        public static let unknownElement = Code(.unknownElement)
        /// A template can render longer than the limits even after shortening.
        public static let worstCaseTooLong = Code(.worstCaseTooLong)
        /// No template for the kind (or the named variant) exists.
        public static let missingTemplate = Code(.missingTemplate)
        /// An element that is never cut (a date, a time, an office) is over its limit.
        public static let elementTooLong = Code(.elementTooLong)
        /// The rendered text is over the limits even after shortening.
        public static let tooLong = Code(.tooLong)
        /// The rendered text is empty.
        public static let empty = Code(.empty)
        /// The sender name is not a valid alphanumeric or numeric sender.
        public static let invalidSender = Code(.invalidSender)
        /// A date pattern gives values longer than its element's limit.
        public static let invalidDateFormat = Code(.invalidDateFormat)

        /// A stable lower-case name (`unknownElement`), for logs and JSON.
        public var description: String { base.rawValue }
    }

    /// What kind of problem it is.
    public var code: Code

    /// Whether the problem is the configuration's (a template missing, unreadable or
    /// invalid, a sender or date format), not the row's: the same row renders once the
    /// configuration is mended. The row's own problems are an element or text over its
    /// limit and an empty text.
    public var isConfigurationProblem: Bool {
        code != .elementTooLong && code != .tooLong && code != .empty
    }
    /// What went wrong, naming the template, line and lengths.
    public var message: String
    /// The template's file name (`appointment.mustache`), when a template is concerned.
    public var template: String?
    /// The 1-based line in the template, when the problem has one.
    public var line: Int?
    /// The element concerned (`doctor`), when one is.
    public var element: String?
    /// The length found (characters for an element, units for a text), when relevant.
    public var length: Int?
    /// The limit it was checked against, when relevant.
    public var limit: Int?

    /// Makes an error; `message` must not contain patient data.
    public init(
        code: Code, message: String, template: String? = nil, line: Int? = nil, element: String? = nil,
        length: Int? = nil, limit: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.template = template
        self.line = line
        self.element = element
        self.length = length
        self.limit = limit
    }

    /// `appointment.mustache:3: unknown element {{doctr}}` (the location, then the message).
    public var description: String {
        switch (template, line) {
        case (let template?, let line?): "\(template):\(line): \(message)"
        case (let template?, nil): "\(template): \(message)"
        default: message
        }
    }
}
