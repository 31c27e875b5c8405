/// Whether a balance crossed `low_balance`: a warning when it first falls below, a notice
/// when a check finds it back, nothing in between (one journal line per crossing).
struct CreditWatch: Sendable, Hashable {
    enum Action: Sendable, Hashable {
        case fellBelow
        case cameBack
    }

    var low: Double
    private(set) var isLow = false

    init(low: Double, isLow: Bool = false) {
        self.low = low
        self.isLow = isLow
    }

    mutating func observe(_ balance: Double) -> Action? {
        if balance < low, !isLow {
            isLow = true
            return .fellBelow
        }
        if balance >= low, isLow {
            isLow = false
            return .cameBack
        }
        return nil
    }
}
