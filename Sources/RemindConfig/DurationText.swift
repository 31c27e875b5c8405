/// Durations as people write them in the config: `90s`, `2m`, `1h30m`, `2d`, `500ms`, `0`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "0" { return .zero }
        if t.hasSuffix("ms"), let n = Int64(t.dropLast(2)), n >= 0 { return .milliseconds(n) }
        var total: Int64 = 0
        var number: Int64? = nil
        var sawUnit = false
        for ch in t {
            if let d = ch.wholeNumberValue, ch.isASCII {
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                number = s
                continue
            }
            guard let n = number else { return nil }
            let unit: Int64
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604_800
            default: return nil
            }
            total += n * unit
            number = nil
            sawUnit = true
        }
        guard number == nil, sawUnit else { return nil }
        return .seconds(total)
    }

    /// The inverse of ``parse(_:)`` for whole seconds: `5400` seconds → `1h30m`.
    public static func format(_ duration: Duration) -> String {
        let (whole, atto) = duration.components
        if atto != 0 { return "\(whole * 1000 + atto / 1_000_000_000_000_000)ms" }
        var s = whole
        if s == 0 { return "0" }
        var out = ""
        for (unit, name) in [(86400 as Int64, "d"), (3600, "h"), (60, "m"), (1, "s")] where s >= unit {
            out += "\(s / unit)\(name)"
            s %= unit
        }
        return out
    }
}

import Foundation
