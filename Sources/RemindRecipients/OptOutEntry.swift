public import Foundation
import RemindCore

/// One number on the opt-out list: since when, and who put it there.
public struct OptOutEntry: Hashable, Sendable, CustomStringConvertible {
    /// E.164 (`+61412345678`).
    public var number: String
    /// When it was added (whole seconds).
    public var date: Date
    /// Who added it: `sms-reply`, `remindctl`, an inbox file's name …
    public var source: String

    public init(number: String, date: Date, source: String) {
        self.number = number
        self.date = date
        self.source = source
    }

    /// Masked, so it is safe in logs.
    public var description: String { "\(PhoneMask.mask(number)) since \(OptOutLine.format(date)) (\(source))" }
}
