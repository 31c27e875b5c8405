public import Foundation
public import RemindDelivery
import RemindCore

/// How a REST gateway's answer is read: where its message id and error code are, and
/// which statuses and codes are temporary or permanent.
///
/// The order of the rules (``classify(_:fallbackReference:)``):
/// 1. 407 from the proxy: temporary, naming the proxy (the message stays queued);
/// 2. an error code found (``error``) that is listed: temporary or permanent as listed;
/// 3. 408, 429 (its Retry-After kept), 5xx and ``temporaryStatuses``: temporary;
/// 4. ``permanentStatuses``: permanent;
/// 5. 2xx: an error code found but not listed is permanent; else sent, with the id
///    ``messageID`` finds (or remindd's own reference when none is configured or found);
/// 6. any other status (4xx, 3xx): permanent.
public struct AnswerRules: Sendable {
    /// Where a value is in the answer: a JSON pointer (RFC 6901) into a JSON body, or a
    /// regular expression over the text whose first capture group is the value.
    public enum Locator: Sendable {
        case pointer(String)
        case regex(String)

        /// The value located in `body`, as text (numbers and booleans as JSON writes them).
        public func find(in body: [UInt8]) -> String? {
            switch self {
            case .pointer(let pointer):
                guard let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else { return nil }
                return JSONPointer.resolve(pointer, in: json)
            case .regex(let pattern):
                guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
                let text = String(decoding: body, as: UTF8.self)
                guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
                let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
                return Range(range, in: text).map { String(text[$0]) }
            }
        }
    }

    public var messageID: Locator?
    public var error: Locator?
    public var temporaryErrors: Set<String> = []
    public var permanentErrors: Set<String> = []
    public var temporaryStatuses: Set<Int> = []
    public var permanentStatuses: Set<Int> = []

    public init(messageID: Locator? = nil, error: Locator? = nil) {
        self.messageID = messageID
        self.error = error
    }

    /// The answer's verdict.
    public func classify(_ answer: HTTPAnswer, fallbackReference: String) -> HTTPVerdict {
        let status = answer.status
        if status == 407 { return .failed(DeliveryError(.temporary, "the proxy refused our credentials (407 Proxy Authentication Required)")) }
        let code = error?.find(in: answer.body).map { Self.clean($0) }
        // The code goes into the reason, which is logged: numbers in it (an echoed recipient) masked.
        let shown = code.map { PhoneMask.maskNumbers(in: $0) }
        if let code, let shown, permanentErrors.contains(code) {
            return .failed(DeliveryError(.permanent, "the gateway answered \(status) with error \(shown) (a permanent error)"))
        }
        if let code, let shown, temporaryErrors.contains(code) {
            return .failed(DeliveryError(.temporary, "the gateway answered \(status) with error \(shown) (a temporary error)"), retryAfter: answer.retryAfter)
        }
        let detail = shown.map { " with error \($0)" } ?? ""
        if status == 408 || status == 429 || (500...599).contains(status) || temporaryStatuses.contains(status) {
            return .failed(DeliveryError(.temporary, "the gateway answered \(status)\(detail)"), retryAfter: answer.retryAfter)
        }
        if permanentStatuses.contains(status) {
            return .failed(DeliveryError(.permanent, "the gateway answered \(status)\(detail)"))
        }
        if (200...299).contains(status) {
            if let shown { return .failed(DeliveryError(.permanent, "the gateway answered \(status) with error \(shown)")) }
            let id = messageID?.find(in: answer.body).map { Self.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
            return .sent(reference: id ?? fallbackReference)
        }
        return .failed(DeliveryError(.permanent, "the gateway answered \(status)\(detail)"))
    }

    /// A gateway's id or code as one token: printable ASCII without spaces, at most 64 bytes
    /// (a body can hold anything, a recipient's number included: it is not kept whole).
    static func clean(_ s: String) -> String {
        let kept = s.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }.prefix(64)
        return String(String.UnicodeScalarView(kept))
    }
}

/// A gateway's HTTP answer, as classification needs it.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// When the answer was read (to turn an HTTP-date Retry-After into a delay).
    public var received: Date

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], received: Date = Date()) {
        self.status = status
        self.headers = headers
        self.body = body
        self.received = received
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Retry-After in seconds (a number, or an HTTP-date), at most a day; nil when absent or not readable.
    public var retryAfter: Duration? {
        guard let value = header("Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(min(seconds, 86_400)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .seconds(min(max(0, Int(date.timeIntervalSince(received).rounded(.up))), 86_400))
    }
}

/// What an answer means for the message.
public enum HTTPVerdict: Sendable {
    case sent(reference: String)
    case failed(DeliveryError, retryAfter: Duration? = nil)
}
