import Foundation

/// The words by which a patient opts out in a reply (`STOP`, `UNSUBSCRIBE`, local words).
///
/// A reply opts out when its first words are one of the keywords: case, accents,
/// punctuation and spacing do not matter, and anything may follow (`Stop.`,
/// `stop please`, `STOP!!`, `Stopp` in German when configured). A keyword in the middle
/// (`please don't stop`) does not count. `CANCEL` is deliberately not a default: in a
/// reply to an appointment reminder it usually means the appointment.
public struct OptOutKeywords: Hashable, Sendable {
    /// `STOP`, `STOPALL`, `UNSUBSCRIBE`.
    public static let defaultWords = ["STOP", "STOPALL", "UNSUBSCRIBE"]

    /// The keywords, as configured.
    public let words: [String]
    /// Each keyword as its folded words (`OPT OUT` → ["OPT", "OUT"]).
    private let folded: [[String]]

    /// - Precondition: every keyword has at least one letter or digit.
    public init(_ words: [String] = Self.defaultWords) {
        let folded = words.map(Self.words(of:))
        precondition(folded.allSatisfy { !$0.isEmpty }, "an opt-out keyword needs a letter or digit")
        self.words = words
        self.folded = folded
    }

    /// Whether a reply's text opts its sender out. The SMPP provider calls this for
    /// each inbound message (deliver_sm that is not a receipt).
    public func isOptOut(replyText: String) -> Bool {
        let reply = Self.words(of: replyText)
        return folded.contains { keyword in reply.count >= keyword.count && Array(reply.prefix(keyword.count)) == keyword }
    }

    /// Upper-cased words without accents; anything that is not a letter or digit separates.
    static func words(of text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .uppercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
    }
}
