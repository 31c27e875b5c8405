// CPhoneNumber: the C functions of CPhoneNumber.h over libphonenumber's PhoneNumberUtil.
//
// It touches nothing but libphonenumber's in-memory metadata: no files, no logging
// (the library's logger is replaced by its NullLogger once, so no number it parses
// can reach stderr and from there the journal). Failures are status codes; C++
// exceptions never cross into Swift.
#include "CPhoneNumber.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::NullLogger;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

/// The singleton, with its logger silenced and the sorted region list cached.
/// C++11 guarantees a function-local static is initialised exactly once, thread-safely.
struct Library {
    PhoneNumberUtil *util;
    std::vector<std::string> regions;

    Library() : util(PhoneNumberUtil::GetInstance()) {
        util->SetLogger(new NullLogger());  // takes ownership
        std::set<std::string> set;
        util->GetSupportedRegions(&set);
        regions.assign(set.begin(), set.end());
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

}  // namespace

extern "C" rn_status rn_parse(const char *number, const char *region,
                              char *e164_out, size_t cap, rn_type *type_out) {
    if (number == nullptr || region == nullptr || type_out == nullptr) return RN_INTERNAL;
    try {
        const PhoneNumberUtil &util = *library().util;
        PhoneNumber parsed;
        rn_status status = status_for_parse_error(util.Parse(number, region, &parsed));
        if (status != RN_OK) return status;
        // Valid exactly when the number's region has a type for it: IsValidNumber() is
        // GetRegionCodeForNumber() plus the type match GetNumberType() does anyway, so
        // asking for the type alone saves a third of the time.
        const PhoneNumberUtil::PhoneNumberType type = util.GetNumberType(parsed);
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
