/// Which appointments get reminders, by their status: the exporter's status words mapped to
/// canonical ones per source, then checked against the accepted set.
///
/// The default accepts `scheduled`, `confirmed` and `unreachable` (the clinic CMS's
/// "Scheduled, Confirmed, Out of Reach"). Any other status (cancelled, deleted, no-show,
/// arrived, …) means no reminder should be pending for the appointment: ``Decision/withdraw``.
public struct StatusFilter: Sendable, Hashable {
    /// What to do with an appointment's reminders.
    public enum Decision: Sendable, Hashable {
        /// Queue (or keep) its reminders.
        case remind
        /// Withdraw any pending reminder; queue none.
        case withdraw
    }

    /// Canonical statuses that get reminders (lower-case).
    public let accepted: Set<String>
    /// Exporter word → canonical status (keys lower-case, as `Appointment.status` is).
    public let synonyms: [String: String]

    public static let defaultAccepted: Set<String> = ["scheduled", "confirmed", "unreachable"]

    /// - Parameters:
    ///   - accepted: canonical statuses that get reminders.
    ///   - synonyms: this source's words for them (`"booked": "scheduled"`,
    ///     `"out of reach": "unreachable"`); matched case-insensitively after trimming.
    public init(accepted: Set<String> = StatusFilter.defaultAccepted, synonyms: [String: String] = [:]) {
        self.accepted = Set(accepted.map(Self.normalize))
        self.synonyms = Dictionary(synonyms.map { (Self.normalize($0.key), Self.normalize($0.value)) },
                                   uniquingKeysWith: { first, _ in first })
    }

    /// The canonical status for an exporter's word.
    public func canonical(_ status: String) -> String {
        let word = Self.normalize(status)
        return synonyms[word] ?? word
    }

    public func decision(for status: String) -> Decision {
        accepted.contains(canonical(status)) ? .remind : .withdraw
    }

    static func normalize(_ word: String) -> String {
        word.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
