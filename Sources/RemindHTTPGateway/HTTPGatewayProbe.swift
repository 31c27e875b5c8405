import AsyncHTTPClient
import Logging
import Foundation
import NIOCore
import NIOHTTP1
import RemindDelivery
public import RemindText

/// `test-provider` for HTTP gateways: sends no SMS. It checks reachability, the proxy and
/// the credentials, times the round trip and reads the balance where one is configured.
///
/// - Kannel: a sendsms with the credentials and no receiver. smsbox checks the credentials
///   first: `400 Missing receiver number` means they are right (and nothing is sent), 403
///   that they are wrong.
/// - REST: the configured balance request (`balance_url`, the same headers and secrets),
///   whose answer must be 2xx and hold the balance at the pointer; without one, only
///   reachability (any HTTP answer from the URL's origin) is checked.
public enum HTTPGatewayProbe {
    public struct Report: Sendable {
        public var lines: [String]
        public var roundTrip: Duration
        public var balance: Double?
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// How a balance is asked for and read.
    public struct Balance: Sendable {
        public var request: RequestTemplate
        public var locator: AnswerRules.Locator

        public init(request: RequestTemplate, locator: AnswerRules.Locator) {
            self.request = request
            self.locator = locator
        }
    }

    public static func run(_ settings: HTTPGatewaySettings, balance: Balance?) async throws(Failure) -> Report {
        let provider = HTTPGatewayProvider(settings: settings, logger: .init(label: "probe") { _ in SwiftLogNoOpLogHandler() })
        defer { provider.shutdownClients() }
        var lines: [String] = []
        if let proxy = settings.proxy {
            lines.append("via proxy \(proxy.host):\(proxy.port)" + (proxy.username.map { " as \($0)" } ?? " without credentials"))
        }
        let start = ContinuousClock.now
        switch settings.flavour {
        case .kannel(let k):
            let url = k.url.absoluteString + (k.url.query == nil ? "?" : "&") + "username=\(RequestTemplate.percentEncode(k.username))&password=\(RequestTemplate.percentEncode(k.password))"
            let answer = try await fetch(provider, url: url)
            let rtt = ContinuousClock.now - start
            let body = KannelRequest.quote(String(decoding: answer.body.prefix(200), as: UTF8.self))
            switch answer.status {
            case 400 where body.contains("receiver"):
                lines.append("Kannel at \(settings.target) accepted the credentials of \(k.username) (a sendsms with no receiver was rejected\(body)); no SMS sent")
            case 401, 403:
                throw Failure(description: "Kannel at \(settings.target) refused the credentials of \(k.username) (\(answer.status)\(body))")
            default:
                throw Failure(description: "Kannel at \(settings.target) answered \(answer.status)\(body) to a sendsms with no receiver (expected 400 Missing receiver number)")
            }
            return Report(lines: lines, roundTrip: rtt, balance: nil)
        case .rest(let rest):
            guard let balance else {
                guard let url = URL(string: rest.request.url.components(separatedBy: "{{").first ?? ""), let scheme = url.scheme, let host = url.host else {
                    throw Failure(description: "the url template has no fixed origin to check")
                }
                let origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "") + "/"
                let answer = try await fetch(provider, url: origin)
                lines.append("\(settings.target) answered \(answer.status) to GET /; credentials not checked (set balance_url to check them and show the balance)")
                return Report(lines: lines, roundTrip: ContinuousClock.now - start, balance: nil)
            }
            let rendered: (url: URL, headers: [(String, String)], body: [UInt8]?)
            do { rendered = try balance.request.render(rest.secrets) } catch {
                throw Failure(description: "the balance request: \(error)")
            }
            var headers = HTTPHeaders()
            for (name, value) in rendered.headers { headers.add(name: name, value: value) }
            let answer = try await fetch(provider, url: rendered.url.absoluteString, headers: headers)
            let rtt = ContinuousClock.now - start
            guard (200...299).contains(answer.status) else {
                let reason = rest.answer.error?.find(in: answer.body).map { " with error \(AnswerRules.clean($0))" } ?? ""
                throw Failure(description: "\(settings.target) answered the balance request with \(answer.status)\(reason)")
            }
            guard let text = balance.locator.find(in: answer.body), let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw Failure(description: "\(settings.target) answered \(answer.status) but no number is at the balance pointer")
            }
            lines.append("\(settings.target) accepted the credentials; no SMS sent")
            return Report(lines: lines, roundTrip: rtt, balance: value)
        }
    }

    private static func fetch(_ provider: HTTPGatewayProvider, url: String, headers: HTTPHeaders = [:]) async throws(Failure) -> HTTPAnswer {
        let request: HTTPClient.Request
        do { request = try HTTPClient.Request(url: url, method: .GET, headers: headers) } catch {
            throw Failure(description: "not a URL")
        }
        let answer: HTTPAnswer
        let viaProxy: Bool
        do { (answer, viaProxy) = try await provider.perform(request) } catch {
            throw Failure(description: error.message)
        }
        if viaProxy, let refusal = provider.proxyRefusal(answer) { throw Failure(description: refusal) }
        return answer
    }
}
