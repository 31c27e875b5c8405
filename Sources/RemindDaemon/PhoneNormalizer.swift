/// Turns a number as exported into E.164 for the practice's country: spaces, dots,
/// dashes and brackets dropped; `+` or `00` means international; a leading trunk `0`
/// (and a `(0)` after the country code) is replaced by the country code. Anything with
/// letters, or fewer than 8 or more than 15 digits, is refused. This is deliberately
/// minimal: it does not know which numbers are mobiles (see issue 9, libphonenumber).
struct PhoneNormalizer: Sendable {
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    let countryCode: String

    func normalize(_ raw: String) -> Result<String, Refusal> {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .failure(Refusal(description: "the phone number is empty")) }
        text = text.replacingOccurrences(of: "(0)", with: "")
        var international = false
        if text.hasPrefix("+") { international = true; text.removeFirst() }
        var digits = ""
        for ch in text {
            if ch.isASCII && ch.isNumber { digits.append(ch) } else if " .-()/".contains(ch) { continue } else {
                return .failure(Refusal(description: "the phone number has a character that is not a digit"))
            }
        }
        if !international && digits.hasPrefix("00") { international = true; digits.removeFirst(2) }
        if !international {
            if digits.hasPrefix("0") { digits.removeFirst() }
            digits = countryCode + digits
        }
        guard (8...15).contains(digits.count) else {
            return .failure(Refusal(description: "the phone number has \(digits.count) digits, not 8 to 15"))
        }
        return .success("+" + digits)
    }
}

import Foundation
