/// The sender a message shows: an alphanumeric name or a phone number.
public enum SenderID {
    /// Checks a sender at start: an alphanumeric sender is 1 to 11 characters of the GSM-7
    /// basic table with at least one letter (`SmileDental`); a numeric sender is up to 15
    /// digits, optionally after `+`.
    public static func check(_ sender: String) throws(TextError) {
        let digits = sender.hasPrefix("+") ? sender.dropFirst() : Substring(sender)
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard digits.count <= 15 else {
                throw TextError(
                    code: .invalidSender, message: "a numeric sender has at most 15 digits, this one \(digits.count)",
                    length: digits.count, limit: 15)
            }
            return
        }
        guard !sender.isEmpty, sender.count <= 11 else {
            throw TextError(
                code: .invalidSender,
                message: "an alphanumeric sender has 1 to 11 characters, this one \(sender.count)",
                length: sender.count, limit: 11)
        }
        guard GSM7.isBasic(sender) else {
            throw TextError(
                code: .invalidSender,
                message: "an alphanumeric sender uses only GSM-7 characters without escapes (no ^ { } \\ [ ~ ] | €)")
        }
        guard sender.contains(where: \.isLetter) else {
            throw TextError(code: .invalidSender, message: "an alphanumeric sender has at least one letter")
        }
    }
}
