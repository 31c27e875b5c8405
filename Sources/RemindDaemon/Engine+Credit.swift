import Foundation
import Logging
import RemindCore
import RemindDelivery

extension Engine {
    /// A balance check's answer: below `low` the first time, one warning and the STATUS
    /// note "credit B below L"; back at or above it, one notice and the note cleared.
    /// A failed check is a debug line (test-provider shows why); sending never stops.
    func balanceChecked(_ balance: Double?, failure: String? = nil, low: Double?) {
        switch balance {
        case nil:
            log(.lowBalance, .debug, "balance check failed", [LogKey.provider: "\(provider.name)", LogKey.reason: "\(failure ?? "no balance")"])
        case let balance?:
            log(.lowBalance, .debug, "balance checked", [LogKey.provider: "\(provider.name)", "balance": "\(Self.amount(balance))"])
            guard let low else { return }
            var watch = CreditWatch(low: low, isLow: creditLow)
            let action = watch.observe(balance)
            creditLow = watch.isLow
            switch action {
            case .fellBelow:
                log(.lowBalance, .warning, "gateway credit below low_balance", [
                    LogKey.provider: "\(provider.name)", "balance": "\(Self.amount(balance))", "threshold": "\(Self.amount(low))",
                ])
            case .cameBack:
                log(.lowBalance, .notice, "gateway credit back at or above low_balance", [
                    LogKey.provider: "\(provider.name)", "balance": "\(Self.amount(balance))", "threshold": "\(Self.amount(low))",
                ])
            case nil:
                break
            }
            setProblem("credit", creditLow ? "credit \(Self.amount(balance)) below \(Self.amount(low))" : nil)
        }
    }

    /// 84, 84.5, 84.25: at most two decimals, none when whole.
    static func amount(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded).replacingOccurrences(of: "0$", with: "", options: .regularExpression)
    }
}
