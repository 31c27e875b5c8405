import Foundation

/// A time as whole seconds since 2020-01-01 in 32 bits (1952 to 2088; later or earlier
/// times are clamped), or none.
struct Seconds32: Hashable {
    var raw: Int32
    static let none = Seconds32(raw: .min)
    static let epoch: Double = 1_577_836_800

    init(raw: Int32) { self.raw = raw }

    init(_ date: Date?) {
        guard let date else { self = .none; return }
        let s = (date.timeIntervalSince1970 - Self.epoch).rounded(.down)
        raw = Int32(max(Double(Int32.min + 1), min(Double(Int32.max), s)))
    }

    var isNone: Bool { raw == .min }
    var date: Date? { isNone ? nil : Date(timeIntervalSince1970: Double(raw) + Self.epoch) }
    /// Seconds since 1970; NaN for none.
    var seconds: Double { isNone ? .nan : Double(raw) + Self.epoch }
}
