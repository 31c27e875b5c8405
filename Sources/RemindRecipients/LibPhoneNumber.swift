import CPhoneNumber
import Synchronization

/// Swift names over the CPhoneNumber shim; C types stay in this file.
enum LibPhoneNumber {
    enum Outcome: Sendable, Equatable {
        case valid(e164: String, type: PhoneNumberType)
        case refused(Refusal.Code)
    }

    private struct Key: Hashable, Sendable {
        var text: String
        var region: String
    }

    /// Outcomes by input: practice systems export the same numbers again every few
    /// minutes, and libphonenumber takes tens of microseconds per number. Two
    /// generations: when the current one is full it becomes the previous one (whose
    /// hits move back into the current), so up to `cacheLimit` numbers in use stay
    /// cached and memory stays bounded: 98,304 fills a dictionary of 2^17 buckets exactly
    /// (its load limit is three quarters), 7 MB a generation; 100,000 took 2^18, twice that.
    private static let cache = Mutex(Generations())
    static let cacheLimit = 98_304

    private struct Generations {
        var current: [Key: Outcome] = [:]
        var previous: [Key: Outcome] = [:]

        mutating func insert(_ key: Key, _ outcome: Outcome) {
            if current.count >= LibPhoneNumber.cacheLimit {
                previous = current
                current = [:]
                current.reserveCapacity(LibPhoneNumber.cacheLimit)
            }
            current[key] = outcome
        }

        mutating func lookup(_ key: Key) -> Outcome? {
            if let hit = current[key] { return hit }
            guard let hit = previous[key] else { return nil }
            insert(key, hit)
            return hit
        }
    }

    /// Parses and validates `text` as dialled in `region`, remembering the outcome.
    static func parse(_ text: String, region: String) -> Outcome {
        let key = Key(text: text, region: region)
        if let known = cache.withLock({ $0.lookup(key) }) { return known }
        let outcome = parseUncached(text, region: region)
        cache.withLock { $0.insert(key, outcome) }
        return outcome
    }

    /// Parses and validates `text` as dialled in `region`.
    ///
    /// The corresponding C function is `rn_parse`.
    static func parseUncached(_ text: String, region: String) -> Outcome {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { e164 in
            var type = RN_TYPE_UNKNOWN
            let status = rn_parse(text, region, e164.baseAddress, e164.count, &type)
            switch status {
            case RN_OK: return .valid(e164: String(cString: e164.baseAddress!), type: PhoneNumberType(type))
            case RN_NOT_A_NUMBER: return .refused(.notANumber)
            case RN_INVALID_COUNTRY_CODE: return .refused(.invalidCountryCode)
            case RN_TOO_SHORT: return .refused(.tooShort)
            case RN_TOO_LONG: return .refused(.tooLong)
            case RN_LOCAL_ONLY: return .refused(.localOnly)
            default:
                // RN_INVALID; and RN_BUFFER_TOO_SMALL / RN_INTERNAL, which this buffer
                // and a healthy library never produce: refused rather than fatal.
                return .refused(.invalid)
            }
        }
    }

    /// Whether libphonenumber has metadata for `region`.
    ///
    /// The corresponding C function is `rn_is_supported_region`.
    static func isSupported(region: String) -> Bool {
        rn_is_supported_region(region) == 1
    }

    /// The country calling code of a supported region (61 for AU).
    ///
    /// The corresponding C function is `rn_country_code_for_region`.
    static func countryCode(region: String) -> Int? {
        let code = rn_country_code_for_region(region)
        return code > 0 ? Int(code) : nil
    }

    /// Every supported region, sorted.
    static let supportedRegions: [String] = {
        (0..<rn_supported_region_count()).compactMap { index in
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: 8) { out in
                rn_supported_region_at(index, out.baseAddress, out.count) == 0 ? String(cString: out.baseAddress!) : nil
            }
        }
    }()
}

extension PhoneNumberType {
    init(_ type: rn_type) {
        self = switch type {
        case RN_TYPE_FIXED_LINE: .fixedLine
        case RN_TYPE_MOBILE: .mobile
        case RN_TYPE_FIXED_LINE_OR_MOBILE: .fixedLineOrMobile
        case RN_TYPE_TOLL_FREE: .tollFree
        case RN_TYPE_PREMIUM_RATE: .premiumRate
        case RN_TYPE_SHARED_COST: .sharedCost
        case RN_TYPE_VOIP: .voip
        case RN_TYPE_PERSONAL_NUMBER: .personalNumber
        case RN_TYPE_PAGER: .pager
        case RN_TYPE_UAN: .uan
        case RN_TYPE_VOICEMAIL: .voicemail
        default: .unknown
        }
    }
}
