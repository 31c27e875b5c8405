package import RemindCore

/// A row whose phone field held more than one number (`0412 345 688 / 0412 345 689`,
/// `0412345688, 0298765432`): the first acceptable mobile is texted, the others are
/// named here so the daemon can say so (masked) with the row's line.
package struct SeveralNumbers: Hashable, Sendable {
    package var position: SourcePosition
    /// The number texted, E.164.
    package var chosen: String
    /// The field's other valid numbers, E.164, in the field's order.
    package var others: [String]

    package init(position: SourcePosition, chosen: String, others: [String]) {
        self.position = position
        self.chosen = chosen
        self.others = others
    }

    /// The others masked (``RemindCore/PhoneMask``), for the journal.
    package var maskedOthers: String { others.map { PhoneMask.mask($0) }.joined(separator: ", ") }
}
