// CPhoneNumber: the C functions of CPhoneNumber.h over libphonenumber's PhoneNumberUtil.
//
// It touches nothing but libphonenumber's in-memory metadata: no files, no logging
// (the library's logger is replaced by its NullLogger once, so no number it parses
// can reach stderr and from there the journal). Failures are status codes; C++
// exceptions never cross into Swift.
//
// A number's type (and with it its validity) is worked out here, not by
// PhoneNumberUtil::GetNumberType: that one fetches each of the ten or more patterns it
// tries from one regular-expression cache behind one mutex, so threads that normalise
// numbers at once (a large export is prepared on every core) queue on that mutex; on
// two cores the second thread lost a third of its time there. `NumberTypes` follows
// GetNumberType step by step (libphonenumber 8.12's phonenumberutil.cc, the region
// choice for shared calling codes included) over the same metadata, compiled into
// the library, and matches with ICU, the engine libphonenumber uses, through matchers
// that belong to the calling thread. RemindRecipientsTests checks it against
// GetNumberType for example numbers of every type of every region and their mutations.
#include "CPhoneNumber.h"

#include <algorithm>
#include <cstring>
#include <list>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/regex.h>
#include <unicode/unistr.h>

namespace i18n {
namespace phonenumbers {
// The serialised PhoneMetadataCollection compiled into libphonenumber, exported by it
// (declared in its metadata.h, which Debian does not install); PhoneNumberUtil loads
// its own metadata from the same two functions.
int metadata_size();
const void *metadata_get();
}  // namespace phonenumbers
}  // namespace i18n

using i18n::phonenumbers::NullLogger;
using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

/// Compiled matchers of this thread, by the address of their pattern in the metadata
/// (which never changes once loaded). A RegexMatcher is not thread-safe; one per thread
/// per pattern needs no lock, and is reset onto each input instead of rebuilt.
class ThreadMatchers {
    struct Entry {
        std::unique_ptr<icu::RegexMatcher> matcher;  // null when the pattern did not compile
    };
    std::unordered_map<const std::string *, Entry> entries_;

    icu::RegexMatcher *matcher(const std::string &pattern) {
        auto found = entries_.find(&pattern);
        if (found != entries_.end()) return found->second.matcher.get();
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::RegexMatcher> made(
            new icu::RegexMatcher(icu::UnicodeString::fromUTF8(pattern), 0, status));
        if (U_FAILURE(status)) made.reset();
        return entries_.emplace(&pattern, Entry{std::move(made)}).first->second.matcher.get();
    }

public:
    /// Whether `pattern` matches the whole of `input` (libphonenumber's FullMatch), or
    /// with `whole` false a prefix of it (its Consume, anchored at the start).
    bool matches(const std::string &pattern, const icu::UnicodeString &input, bool whole = true) {
        icu::RegexMatcher *m = matcher(pattern);
        if (m == nullptr) return false;
        UErrorCode status = U_ZERO_ERROR;
        m->reset(input);
        const bool matched = whole ? m->matches(status) : m->lookingAt(status);
        return matched && U_SUCCESS(status);
    }
};

thread_local ThreadMatchers thread_matchers;

/// The metadata GetNumberType reads, indexed by calling code in PhoneNumberUtil's
/// region order.
class NumberTypes {
    PhoneMetadataCollection collection_;
    std::unordered_map<int, std::vector<const PhoneMetadata *>> by_calling_code_;
    bool loaded_ = false;

    /// IsNumberMatchingDesc: the possible lengths first, then the whole pattern.
    static bool matching(const std::string &national, const icu::UnicodeString &input, const PhoneNumberDesc &desc) {
        const int length = static_cast<int>(national.size());
        if (desc.possible_length_size() > 0 &&
            std::find(desc.possible_length().begin(), desc.possible_length().end(), length) == desc.possible_length().end()) {
            return false;
        }
        if (desc.national_number_pattern().empty()) return false;
        return thread_matchers.matches(desc.national_number_pattern(), input);
    }

    /// GetNumberTypeHelper, in its order.
    static PhoneNumberUtil::PhoneNumberType helper(const std::string &national, const icu::UnicodeString &input, const PhoneMetadata &m) {
        if (!matching(national, input, m.general_desc())) return PhoneNumberUtil::UNKNOWN;
        if (matching(national, input, m.premium_rate())) return PhoneNumberUtil::PREMIUM_RATE;
        if (matching(national, input, m.toll_free())) return PhoneNumberUtil::TOLL_FREE;
        if (matching(national, input, m.shared_cost())) return PhoneNumberUtil::SHARED_COST;
        if (matching(national, input, m.voip())) return PhoneNumberUtil::VOIP;
        if (matching(national, input, m.personal_number())) return PhoneNumberUtil::PERSONAL_NUMBER;
        if (matching(national, input, m.pager())) return PhoneNumberUtil::PAGER;
        if (matching(national, input, m.uan())) return PhoneNumberUtil::UAN;
        if (matching(national, input, m.voicemail())) return PhoneNumberUtil::VOICEMAIL;
        if (matching(national, input, m.fixed_line())) {
            if (m.same_mobile_and_fixed_line_pattern() || matching(national, input, m.mobile())) {
                return PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
            }
            return PhoneNumberUtil::FIXED_LINE;
        }
        if (!m.same_mobile_and_fixed_line_pattern() && matching(national, input, m.mobile())) return PhoneNumberUtil::MOBILE;
        return PhoneNumberUtil::UNKNOWN;
    }

public:
    explicit NumberTypes(const PhoneNumberUtil &util) {
        if (!collection_.ParseFromArray(i18n::phonenumbers::metadata_get(), i18n::phonenumbers::metadata_size())) return;
        std::unordered_map<std::string, const PhoneMetadata *> by_region;
        std::unordered_map<int, const PhoneMetadata *> non_geographic;
        for (const PhoneMetadata &m : collection_.metadata()) {
            if (m.id() == "001") {
                non_geographic[m.country_code()] = &m;
            } else {
                by_region[m.id()] = &m;
            }
        }
        for (const PhoneMetadata &m : collection_.metadata()) {
            const int code = m.country_code();
            if (by_calling_code_.count(code) != 0) continue;
            std::list<std::string> regions;
            util.GetRegionCodesForCountryCallingCode(code, &regions);
            std::vector<const PhoneMetadata *> list;
            for (const std::string &region : regions) {
                const PhoneMetadata *found = region == "001" ? non_geographic[code] : by_region[region];
                if (found == nullptr) return;  // metadata that disagrees with PhoneNumberUtil's: do not use it
                list.push_back(found);
            }
            by_calling_code_[code] = std::move(list);
        }
        loaded_ = !by_calling_code_.empty();
    }

    bool loaded() const { return loaded_; }

    /// GetNumberType: the region among those sharing the calling code, then the type.
    PhoneNumberUtil::PhoneNumberType type(const PhoneNumberUtil &util, const PhoneNumber &number) const {
        const auto found = by_calling_code_.find(number.country_code());
        if (found == by_calling_code_.end() || found->second.empty()) return PhoneNumberUtil::UNKNOWN;
        std::string national;
        util.GetNationalSignificantNumber(number, &national);
        const icu::UnicodeString input = icu::UnicodeString::fromUTF8(national);
        const std::vector<const PhoneMetadata *> &candidates = found->second;
        const PhoneMetadata *metadata = nullptr;
        if (candidates.size() == 1) {
            metadata = candidates.front();
        } else {
            // GetRegionCodeForNumberFromRegionList
            for (const PhoneMetadata *m : candidates) {
                if (m->has_leading_digits()) {
                    if (thread_matchers.matches(m->leading_digits(), input, false)) { metadata = m; break; }
                } else if (helper(national, input, *m) != PhoneNumberUtil::UNKNOWN) {
                    metadata = m;
                    break;
                }
            }
        }
        if (metadata == nullptr) return PhoneNumberUtil::UNKNOWN;
        return helper(national, input, *metadata);
    }
};

/// The singleton, with its logger silenced and the sorted region list cached.
/// C++11 guarantees a function-local static is initialised exactly once, thread-safely.
struct Library {
    PhoneNumberUtil *util;
    std::vector<std::string> regions;
    NumberTypes types;

    Library() : util(PhoneNumberUtil::GetInstance()), types(*util) {
        util->SetLogger(new NullLogger());  // takes ownership
        std::set<std::string> set;
        util->GetSupportedRegions(&set);
        regions.assign(set.begin(), set.end());
    }

    PhoneNumberUtil::PhoneNumberType type(const PhoneNumber &number, bool reference) const {
        if (reference || !types.loaded()) return util->GetNumberType(number);
        return types.type(*util, number);
    }
};

const Library &library() {
    static const Library instance;
    return instance;
}

bool copy_out(const std::string &value, char *out, size_t cap) {
    if (out == nullptr || value.size() + 1 > cap) return false;
    std::memcpy(out, value.data(), value.size());
    out[value.size()] = '\0';
    return true;
}

rn_status status_for_parse_error(PhoneNumberUtil::ErrorType error) {
    switch (error) {
    case PhoneNumberUtil::NO_PARSING_ERROR: return RN_OK;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return RN_INVALID_COUNTRY_CODE;
    case PhoneNumberUtil::NOT_A_NUMBER: return RN_NOT_A_NUMBER;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD: return RN_TOO_SHORT;
    case PhoneNumberUtil::TOO_SHORT_NSN: return RN_TOO_SHORT;
    case PhoneNumberUtil::TOO_LONG_NSN: return RN_TOO_LONG;
    }
    return RN_NOT_A_NUMBER;
}

rn_status status_for_invalid(PhoneNumberUtil::ValidationResult result) {
    switch (result) {
    case PhoneNumberUtil::IS_POSSIBLE: return RN_INVALID;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY: return RN_LOCAL_ONLY;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE: return RN_INVALID_COUNTRY_CODE;
    case PhoneNumberUtil::TOO_SHORT: return RN_TOO_SHORT;
    case PhoneNumberUtil::INVALID_LENGTH: return RN_INVALID;
    case PhoneNumberUtil::TOO_LONG: return RN_TOO_LONG;
    }
    return RN_INVALID;
}

rn_status parse(const char *number, const char *region, char *e164_out, size_t cap, rn_type *type_out, bool reference) {
    if (number == nullptr || region == nullptr || type_out == nullptr) return RN_INTERNAL;
    try {
        const Library &lib = library();
        const PhoneNumberUtil &util = *lib.util;
        PhoneNumber parsed;
        rn_status status = status_for_parse_error(util.Parse(number, region, &parsed));
        if (status != RN_OK) return status;
        // Valid exactly when the number's region has a type for it: IsValidNumber() is
        // GetRegionCodeForNumber() plus the type match GetNumberType() does anyway, so
        // asking for the type alone saves a third of the time.
        const PhoneNumberUtil::PhoneNumberType type = lib.type(parsed, reference);
        if (type == PhoneNumberUtil::UNKNOWN) return status_for_invalid(util.IsPossibleNumberWithReason(parsed));
        std::string e164;
        util.Format(parsed, PhoneNumberUtil::E164, &e164);
        if (!copy_out(e164, e164_out, cap)) return RN_BUFFER_TOO_SMALL;
        *type_out = static_cast<rn_type>(type);
        return RN_OK;
    } catch (...) {
        return RN_INTERNAL;
    }
}

}  // namespace

extern "C" rn_status rn_parse(const char *number, const char *region,
                              char *e164_out, size_t cap, rn_type *type_out) {
    return parse(number, region, e164_out, cap, type_out, false);
}

extern "C" rn_status rn_parse_reference(const char *number, const char *region,
                                        char *e164_out, size_t cap, rn_type *type_out) {
    return parse(number, region, e164_out, cap, type_out, true);
}

extern "C" int rn_uses_own_type_matching(void) {
    try {
        return library().types.loaded() ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

extern "C" int rn_example_number(const char *region, rn_type type, char *e164_out, size_t cap) {
    if (region == nullptr || type == RN_TYPE_UNKNOWN) return -1;
    try {
        PhoneNumber example;
        const PhoneNumberUtil &util = *library().util;
        if (!util.GetExampleNumberForType(region, static_cast<PhoneNumberUtil::PhoneNumberType>(type), &example)) return -1;
        std::string e164;
        util.Format(example, PhoneNumberUtil::E164, &e164);
        return copy_out(e164, e164_out, cap) ? 0 : -1;
    } catch (...) {
        return -1;
    }
}

extern "C" int rn_is_supported_region(const char *region) {
    if (region == nullptr) return 0;
    try {
        const std::vector<std::string> &regions = library().regions;
        return std::binary_search(regions.begin(), regions.end(), std::string(region)) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

extern "C" int rn_country_code_for_region(const char *region) {
    if (region == nullptr || !rn_is_supported_region(region)) return 0;
    try {
        return library().util->GetCountryCodeForRegion(region);
    } catch (...) {
        return 0;
    }
}

extern "C" size_t rn_supported_region_count(void) {
    try {
        return library().regions.size();
    } catch (...) {
        return 0;
    }
}

extern "C" int rn_supported_region_at(size_t index, char *out, size_t cap) {
    try {
        const std::vector<std::string> &regions = library().regions;
        if (index >= regions.size()) return -1;
        return copy_out(regions[index], out, cap) ? 0 : -1;
    } catch (...) {
        return -1;
    }
}
