import CPhoneNumber

/// Swift names over the CPhoneNumber shim; C types stay in this file.
enum LibPhoneNumber {
    enum Outcome: Sendable, Equatable {
        case valid(e164: String, type: PhoneNumberType, region: String)
        case refused(Refusal.Code)
    }

    /// Parses and validates `text` as dialled in `region`.
    ///
    /// The corresponding C function is `rn_parse`.
    static func parse(_ text: String, region: String) -> Outcome {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { e164 in
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: 8) { owner in
                var type = RN_TYPE_UNKNOWN
                let status = rn_parse(text, region, e164.baseAddress, e164.count, &type, owner.baseAddress, owner.count)
                switch status {
                case RN_OK:
                    return .valid(e164: String(cString: e164.baseAddress!), type: PhoneNumberType(type), region: String(cString: owner.baseAddress!))
                case RN_NOT_A_NUMBER: return .refused(.notANumber)
                case RN_INVALID_COUNTRY_CODE: return .refused(.invalidCountryCode)
                case RN_TOO_SHORT: return .refused(.tooShort)
                case RN_TOO_LONG: return .refused(.tooLong)
                case RN_LOCAL_ONLY: return .refused(.localOnly)
                default:
                    // RN_INVALID; and RN_BUFFER_TOO_SMALL / RN_INTERNAL, which these buffers
                    // and a healthy library never produce: refused rather than fatal.
                    return .refused(.invalid)
                }
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
