// CPhoneNumber: a C interface over Google's libphonenumber (Debian's libphonenumber-dev).
//
// Swift cannot call libphonenumber's C++ API directly without C++ interop across the
// whole package, so this shim exposes the few calls remindd needs as plain C functions
// with fixed-size buffers and integer codes. Every function is thread-safe: after a
// one-time set-up (a C++11 function-local static), they only call PhoneNumberUtil's
// const methods on its process-wide singleton, which guards its regular-expression
// cache with a mutex (Debian builds it with POSIX locks; checked with nm, and by a
// concurrent test in RemindRecipientsTests), or match numbers against its metadata
// with matchers of the calling thread (see CPhoneNumber.cpp).
// Nothing here allocates memory the caller must free, logs, or throws a C++ exception
// across the boundary (a failure inside libphonenumber is reported as RN_INTERNAL).
#ifndef CPHONENUMBER_H
#define CPHONENUMBER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Why a number could not be used; RN_OK when it parsed and is valid.
typedef enum {
    RN_OK = 0,
    /// The text holds no phone number at all (too few digits to try).
    RN_NOT_A_NUMBER = 1,
    /// `+` or an international prefix followed by an unknown country calling code,
    /// or no country code and an unknown default region.
    RN_INVALID_COUNTRY_CODE = 2,
    /// Shorter than every valid number of its region (or right after `00`/`+`).
    RN_TOO_SHORT = 3,
    /// Longer than every valid number of its region.
    RN_TOO_LONG = 4,
    /// A possible length, but no number of its region has this pattern.
    RN_INVALID = 5,
    /// A length that only local (area-code-less) dialling uses.
    RN_LOCAL_ONLY = 6,
    /// The output buffer is too small (programmer error on the caller's side).
    RN_BUFFER_TOO_SMALL = 7,
    /// libphonenumber failed unexpectedly (a C++ exception was caught).
    RN_INTERNAL = 8,
} rn_status;

/// libphonenumber's PhoneNumberUtil::PhoneNumberType, in the same order.
typedef enum {
    RN_TYPE_FIXED_LINE = 0,
    RN_TYPE_MOBILE = 1,
    RN_TYPE_FIXED_LINE_OR_MOBILE = 2,
    RN_TYPE_TOLL_FREE = 3,
    RN_TYPE_PREMIUM_RATE = 4,
    RN_TYPE_SHARED_COST = 5,
    RN_TYPE_VOIP = 6,
    RN_TYPE_PERSONAL_NUMBER = 7,
    RN_TYPE_PAGER = 8,
    RN_TYPE_UAN = 9,
    RN_TYPE_VOICEMAIL = 10,
    RN_TYPE_UNKNOWN = 11,
} rn_type;

/// Parses `number` (UTF-8) as dialled in `region` (ISO 3166 alpha-2, like "AU"),
/// validates it (a number is valid when its region's metadata gives it a type; never
/// RN_TYPE_UNKNOWN on RN_OK), and on RN_OK writes its E.164 form (NUL-terminated) to
/// `e164_out` and its type to `*type_out`. A `cap` of 17 always suffices. On any other
/// status the outputs are left unspecified.
rn_status rn_parse(const char *number, const char *region,
                   char *e164_out, size_t cap, rn_type *type_out);

/// rn_parse with the number's type from PhoneNumberUtil::GetNumberType itself instead of
/// this shim's lock-free copy of it: the reference the tests compare rn_parse with.
rn_status rn_parse_reference(const char *number, const char *region,
                             char *e164_out, size_t cap, rn_type *type_out);

/// 1 when rn_parse works out types itself (libphonenumber's compiled-in metadata loaded),
/// 0 when it falls back to GetNumberType.
int rn_uses_own_type_matching(void);

/// Writes libphonenumber's example number (E.164) of `type` in `region`; 0 on success,
/// -1 when the region has none of that type or `cap` is too small.
int rn_example_number(const char *region, rn_type type, char *e164_out, size_t cap);

/// 1 if libphonenumber has metadata for `region` (ISO 3166 alpha-2, upper case), else 0.
int rn_is_supported_region(const char *region);

/// The country calling code of a supported `region` (61 for "AU"), or 0.
int rn_country_code_for_region(const char *region);

/// How many regions libphonenumber supports.
size_t rn_supported_region_count(void);

/// Writes the `index`th supported region (sorted) to `out` (cap ≥ 3); 0 on success,
/// -1 when `index` is out of range or `cap` too small.
int rn_supported_region_at(size_t index, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
