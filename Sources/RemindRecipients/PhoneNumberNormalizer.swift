/// Turns phone numbers as practice systems export them into ``Recipient``s, or
/// refuses them with a reason.
///
/// Every number is parsed by libphonenumber for `defaultRegion` (so `0412 345 678` in
/// `AU` is `+61412345678`, and `+`, the region's international prefix and a `(0)`
/// after the country code are understood), validated against the region's numbering
/// plan, formatted as E.164 and classified. Only the `acceptedTypes` are texted:
/// mobiles by default, and numbers that may be mobiles where the numbering cannot tell
/// (USA, Canada).
///
/// On top of libphonenumber, three rules for exported data:
/// - text around the number is ignored (`Mob: 0412 345 678 (mum)`), but letters between
///   its digits, or after digits that are no number alone, refuse it (`0412 ABC 678`
///   and `1-800-FLOWERS` are never guessed into digits, as libphonenumber would);
/// - `00` followed by a country code is read as `+` even where `00` is not the
///   international prefix (Australia dials `0011`, yet exports hold `0061…`);
/// - a field that is not one number but holds several (`0412 345 678 / 02 9999 0000`,
///   `0412345688, 0298765432`, `… or …`) yields the first acceptable one (a landline
///   before it is skipped); the other valid numbers of the field are kept in
///   ``Recipient/others`` so the daemon can say, at notice, that the field held several.
///   Text around a number (`mob 0412 345 688 (after 5pm)`) is no other number.
///
/// Thread-safe; a value, cheap to copy.
public struct PhoneNumberNormalizer: Sendable, Hashable {
    /// ISO 3166 alpha-2 region numbers without a country code are dialled in (`AU`).
    public let defaultRegion: String
    /// The types that are texted.
    public let acceptedTypes: Set<PhoneNumberType>

    /// - Precondition: `defaultRegion` is supported (``isSupported(region:)``); the
    ///   configuration checks it.
    public init(defaultRegion: String = "AU", acceptedTypes: Set<PhoneNumberType> = PhoneNumberType.textedByDefault) {
        precondition(Self.isSupported(region: defaultRegion), "unsupported region \(defaultRegion)")
        self.defaultRegion = defaultRegion
        self.acceptedTypes = acceptedTypes
    }

    /// Whether libphonenumber knows `region` (ISO 3166 alpha-2, upper case, like `AU`).
    public static func isSupported(region: String) -> Bool {
        LibPhoneNumber.isSupported(region: region)
    }

    /// Every region libphonenumber knows, sorted.
    public static var supportedRegions: [String] { LibPhoneNumber.supportedRegions }

    /// The country calling code of a supported region (`61` for `AU`), else nil.
    public static func countryCode(region: String) -> Int? {
        LibPhoneNumber.countryCode(region: region)
    }

    /// A number to text, or why not.
    public func normalize(_ raw: String) -> Result<Recipient, Refusal> {
        let text = raw.trimmingWhitespace()
        if text.isEmpty { return .failure(Self.refusal(.empty)) }
        let whole = parse(text)
        switch whole {
        case .success(let recipient):
            return accept(recipient)
        case .failure(let refusal):
            let parts = Self.split(text)
            guard parts.count > 1 else { return .failure(refusal) }
            var firstValid: Refusal?
            var chosen: Recipient?
            var others: [String] = []
            for part in parts {
                guard case .success(let recipient) = parse(part) else { continue }
                if chosen == nil, case .success = accept(recipient) {
                    chosen = recipient
                    continue
                }
                if chosen == nil, case .failure(let typeRefusal) = accept(recipient) { firstValid = firstValid ?? typeRefusal }
                if recipient.e164 != chosen?.e164 { others.append(recipient.e164) }
            }
            guard var chosen else { return .failure(firstValid ?? refusal) }
            chosen.others = others
            return .success(chosen)
        }
    }

    /// The first acceptable number of several columns, tried in order (empty ones are
    /// skipped). When none is acceptable the refusal names each non-empty column's
    /// reason, and its code is that of the first.
    public func normalize(candidates: [PhoneFields.Candidate]) -> Result<Recipient, Refusal> {
        if candidates.count == 1 { return normalize(candidates[0].value) }
        var refusals: [Refusal] = []
        for candidate in candidates where !candidate.value.trimmingWhitespace().isEmpty {
            switch normalize(candidate.value) {
            case .success(var recipient):
                recipient.field = candidate.field
                return .success(recipient)
            case .failure(let refusal):
                refusals.append(refusal.attributed(to: candidate.field))
            }
        }
        guard let first = refusals.first else {
            let names = candidates.map(\.field).joined(separator: ", ")
            return .failure(Refusal(code: .empty, message: "no phone number" + (names.isEmpty ? "" : " (in \(names))")))
        }
        if refusals.count == 1 { return .failure(first) }
        return .failure(Refusal(
            code: first.code, message: refusals.map(\.description).joined(separator: "; "), numberType: first.numberType))
    }

    /// Parses and validates a number without the type policy: any valid number, of any
    /// type (for the opt-out list, which may hold a landline).
    public func parse(_ raw: String) -> Result<Recipient, Refusal> {
        let scan = Scan(raw)
        if scan.digits.isEmpty { return .failure(Self.refusal(scan.blank ? .empty : .notANumber)) }
        // Letters inside the number, or glued on after it when what precedes them is
        // not a number by itself (`555-CALL`), are never guessed into digits.
        if scan.lettersInside { return .failure(Self.refusal(.letters)) }
        // libphonenumber is given only the digits (and a leading `+`): punctuation means
        // nothing to it but costs it two thirds of its parsing time.
        var outcome = LibPhoneNumber.Outcome.refused(.invalid)
        if !scan.plus, scan.digits.hasPrefix("00") {
            // `00` + country code: the international form in most of the world, and how
            // exports write it even where the prefix differs (AU dials 0011). No region
            // starts national numbers with 00, so this is tried first.
            outcome = LibPhoneNumber.parse("+" + scan.digits.dropFirst(2), region: defaultRegion)
        }
        if case .refused = outcome {
            outcome = LibPhoneNumber.parse(scan.plus ? "+" + scan.digits : scan.digits, region: defaultRegion)
        }
        switch outcome {
        case .valid(let e164, let type):
            return .success(Recipient(e164: e164, type: type))
        case .refused(let code):
            return .failure(Self.refusal(scan.lettersAfter ? .letters : code, region: defaultRegion))
        }
    }

    /// One pass over a field: its digits (any script), whether a `+` leads them (only
    /// spaces or a bracket between), and where letters are.
    struct Scan {
        var digits = ""
        var plus = false
        var blank = true
        /// A letter between two digits.
        var lettersInside = false
        /// A letter after the last digit.
        var lettersAfter = false

        init(_ text: String) {
            var letterSinceDigit = false
            for scalar in text.unicodeScalars {
                let v = scalar.value
                let ascii = v < 0x80
                if ascii ? (0x30...0x39).contains(v) : scalar.properties.numericType == .decimal {
                    if letterSinceDigit { lettersInside = true }
                    letterSinceDigit = false
                    digits.unicodeScalars.append(scalar)
                    blank = false
                    continue
                }
                if ascii ? (v == 0x20 || (0x09...0x0D).contains(v)) : scalar.properties.isWhitespace { continue }
                blank = false
                if digits.isEmpty {
                    if scalar == "+" { plus = true } else if scalar != "(" { plus = false }
                } else if ascii ? (0x61...0x7A).contains(v | 0x20) : scalar.properties.isAlphabetic {
                    letterSinceDigit = true
                }
            }
            lettersAfter = letterSinceDigit
        }
    }

    // MARK: Helpers

    private func accept(_ recipient: Recipient) -> Result<Recipient, Refusal> {
        if acceptedTypes.contains(recipient.type) { return .success(recipient) }
        return .failure(Refusal(code: .notTexted, message: "\(recipient.type) is not texted", numberType: recipient.type))
    }

    static func refusal(_ code: Refusal.Code, region: String? = nil) -> Refusal {
        let message: String = switch code {
        case .empty: "no phone number"
        case .letters: "the phone number has letters between its digits"
        case .notANumber: "not a phone number"
        case .invalidCountryCode: "the phone number's country code is unknown"
        case .tooShort: "the phone number is too short"
        case .tooLong: "the phone number is too long"
        case .localOnly: "the phone number lacks its area code"
        case .optedOut: "opted out"
        default: "not a valid phone number" + (region.map { " for \($0)" } ?? "")
        }
        return Refusal(code: code, message: message)
    }

    /// The pieces of a field that may hold several numbers: split at `/ , ; & |` and
    /// at words (`or`, `and`, `mum`), keeping pieces with digits.
    static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { "/,;&|".contains($0) || $0.isLetter })
            .map { String($0).trimmingWhitespace() }
            .filter { $0.contains(where: \.isDecimalDigit) }
    }
}

extension Character {
    /// A decimal digit of any script (libphonenumber reads full-width and Arabic-Indic digits too).
    var isDecimalDigit: Bool { unicodeScalars.first.map { $0.properties.numericType == .decimal } ?? false }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
