/// The status words practice systems write, with one built-in meaning shared by every
/// format (CSV, JSON Lines, HL7 SCH-25): each is either reminded (`scheduled`) or takes
/// the appointment off the book (`attended`, `noshow`, which withdraw its pending
/// reminders). A source's `status_map` is consulted first and overrides any of them; a
/// word in neither is kept lower-cased (and is reminded only if `statuses` lists it).
///
/// Words are compared without regard to case, spaces, `_` and `-`, so `Did Not Attend`,
/// `did-not-attend` and `DIDNOTATTEND` are one word, and `No Show` is `noshow`.
public enum StatusWords {
    /// Normalised word → remindd's status.
    public static let builtIn: [String: String] = [
        // Reminded: the appointment stands. A pending, tentative or unconfirmed booking is
        // reminded too: the reminder is how the practice gets it confirmed. A rescheduled
        // row carries its new time, and is reminded at it.
        "booked": "scheduled", "pending": "scheduled", "tentative": "scheduled", "unconfirmed": "scheduled",
        "rescheduled": "scheduled",
        // Withdraws: the patient came, or did not come; no reminder is due any more.
        "arrived": "attended", "attended": "attended",
        "dna": "noshow", "didnotattend": "noshow", "noshow": "noshow",
    ]

    /// Lower-cased, without spaces, tabs, `_` and `-`.
    public static func key(_ word: String) -> String {
        var out = ""
        for scalar in word.unicodeScalars where scalar != " " && scalar != "_" && scalar != "-" && scalar != "\t" {
            out.unicodeScalars.append(scalar)
        }
        return out.lowercased()
    }

    /// A status map keyed by ``key(_:)``, its values trimmed and lower-cased.
    static func normalized(_ statusMap: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for (word, status) in statusMap { out[key(word)] = status.trimmed.lowercased() }
        return out
    }
}
