/// The field separator of a CSV file.
public enum CSVDelimiter: String, Hashable, Sendable, CaseIterable {
    case comma = ","
    case semicolon = ";"
    case tab = "\t"

    var byte: UInt8 {
        switch self {
        case .comma: UInt8(ascii: ",")
        case .semicolon: UInt8(ascii: ";")
        case .tab: UInt8(ascii: "\t")
        }
    }

    /// The delimiter that occurs most often outside quotes in the first line of `text`
    /// (UTF-8) that has anything but delimiters and spaces; a comma when none occurs, and
    /// on a tie the first of tab, semicolon, comma.
    static func sniff(_ text: [UInt8]) -> CSVDelimiter {
        var counts: [CSVDelimiter: Int] = [:]
        var inQuotes = false
        var sawContent = false
        scan: for byte in text {
            switch byte {
            case UInt8(ascii: "\""):
                inQuotes.toggle()
                sawContent = true
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if !inQuotes {
                    if sawContent { break scan }
                    counts = [:]
                }
            case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"):
                if !inQuotes {
                    let delimiter: CSVDelimiter =
                        byte == UInt8(ascii: ",") ? .comma : byte == UInt8(ascii: ";") ? .semicolon : .tab
                    counts[delimiter, default: 0] += 1
                }
            case UInt8(ascii: " "):
                break
            default:
                sawContent = true
            }
        }
        var best = CSVDelimiter.comma
        var bestCount = 0
        for candidate in [CSVDelimiter.tab, .semicolon, .comma] where counts[candidate, default: 0] > bestCount {
            best = candidate
            bestCount = counts[candidate, default: 0]
        }
        return best
    }
}
