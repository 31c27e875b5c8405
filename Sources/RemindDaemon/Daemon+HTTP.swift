import Foundation
import Logging
import RemindConfig
import RemindCore
import RemindHTTPGateway
import RemindAssembly
import RemindText

extension Daemon {
    /// The HTTP gateway's settings for `[provider] type = "kannel"` or `"http"`, with the
    /// secrets read from the systemd credentials the configuration names. Throws a
    /// description naming the credential (never its value) or the template at fault.
    static func httpSettings(_ h: Configuration.HTTPGatewayConfig) throws -> HTTPGatewaySettings {
        func secret(_ name: String) throws -> String {
            let bytes = try smppPassword(name)
            guard let text = String(validating: bytes, as: UTF8.self), !text.isEmpty else {
                throw SMPPSetupError(description: "credential \"\(name)\" is empty or not UTF-8")
            }
            return text
        }
        var receipts: HTTPGatewaySettings.Receipts?
        if h.receipts, let callback = h.callbackURL {
            receipts = .init(callbackBase: callback, token: CallbackToken(key: Array(try secret(h.callbackSecretCredential).utf8)))
        }
        var settings: HTTPGatewaySettings
        if let k = h.kannel {
            guard let url = URL(string: k.url) else { throw SMPPSetupError(description: "provider.url is not a URL") }
            var kannel = HTTPGatewaySettings.Kannel(url: url, username: k.username, password: try secret(k.passwordCredential), from: k.from)
            kannel.dlrMask = k.dlrMask
            kannel.receipts = receipts
            kannel.parameters = k.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            settings = HTTPGatewaySettings(flavour: .kannel(kannel))
        } else if let r = h.rest {
            // The verdict (Assembly.build) has checked the templates as they are made here.
            let made: RequestTemplate?
            do throws(RequestTemplate.Failure) { made = try h.requestTemplate() } catch {
                throw SMPPSetupError(description: "provider.\(error)")
            }
            guard let template = made else { throw SMPPSetupError(description: "provider: no request template") }
            var rules = AnswerRules()
            rules.messageID = r.messageIDPointer.map { .pointer($0) } ?? r.messageIDRegex.map { .regex($0) }
            rules.error = r.errorPointer.map { .pointer($0) } ?? r.errorRegex.map { .regex($0) }
            rules.temporaryStatuses = Set(r.temporaryStatuses)
            rules.permanentStatuses = Set(r.permanentStatuses)
            rules.temporaryErrors = Set(r.temporaryErrors)
            rules.permanentErrors = Set(r.permanentErrors)
            var rest = HTTPGatewaySettings.REST(method: r.method, request: template, answer: rules)
            for (name, credential) in r.secretCredentials { rest.secrets[name] = try secret(credential) }
            rest.receipts = receipts
            settings = HTTPGatewaySettings(flavour: .rest(rest))
        } else {
            throw SMPPSetupError(description: "provider: neither kannel nor http")
        }
        settings.concurrency = h.concurrency
        settings.connectTimeout = h.connectTimeout
        settings.requestTimeout = h.requestTimeout
        settings.tlsCAFile = h.tlsCAFile
        if let proxy = h.proxyAddress {
            settings.proxy = .init(host: proxy.host, port: proxy.port, username: h.proxyUser,
                                   password: h.proxyUser == nil ? nil : try secret(h.proxyPasswordCredential), noProxy: h.noProxy)
        }
        return settings
    }

    /// The callback listener when `listen` is set: receipts (token key) and replies (shared
    /// secret) both from the callback secret credential; events go through `provider`.
    static func callbackListener(_ h: Configuration.HTTPGatewayConfig, provider: HTTPGatewayProvider, logger: Logger) throws -> CallbackListener? {
        guard let listen = h.listen else { return nil }
        let bytes = try smppPassword(h.callbackSecretCredential)
        guard let secret = String(validating: bytes, as: UTF8.self), secret.utf8.count >= 16 else {
            throw SMPPSetupError(description: "credential \"\(h.callbackSecretCredential)\" must hold at least 16 characters of UTF-8 (the callback secret)")
        }
        var router = CallbackRouter(token: CallbackToken(key: Array(secret.utf8)), sharedSecret: secret)
        router.webhooks.receiptStatus = h.receiptStatusPointer
        router.webhooks.delivered = Set(h.receiptDelivered)
        router.webhooks.failed = Set(h.receiptFailed)
        router.webhooks.replyFrom = h.replyFromPointer
        router.webhooks.replyText = h.replyTextPointer
        let address: CallbackListener.Settings.Address
        if listen.hasPrefix("unix:") {
            address = .unix(path: String(listen.dropFirst(5)))
        } else {
            let colon = listen.lastIndex(of: ":")!
            var host = String(listen[..<colon])
            if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
            address = .tcp(host: host, port: Int(listen[listen.index(after: colon)...]) ?? 0)
        }
        var settings = CallbackListener.Settings(address: address)
        settings.maximumRequestBytes = h.listenMaxBytes
        settings.requestTimeout = h.listenTimeout
        return CallbackListener(settings: settings, router: router, logger: logger) { event in await provider.receive(event) }
    }

    /// The balance request for `h`, when `balance_url` is set (REST only).
    static func balanceProbe(_ h: Configuration.HTTPGatewayConfig) throws -> HTTPGatewayProbe.Balance? {
        guard let pointer = h.balancePointer else { return nil }
        do throws(RequestTemplate.Failure) {
            guard let request = try h.balanceTemplate() else { return nil }
            return .init(request: request, locator: .pointer(pointer))
        } catch {
            throw SMPPSetupError(description: error.part == "url" ? "provider.balance_url: \(error.reason)" : "provider.\(error) (in the balance request)")
        }
    }

    /// `remindd --test-provider` for `type = "kannel"` or `"http"`: 0 OK, 69 the gateway or
    /// the proxy failed the check (its reason printed), 78 configuration or credentials.
    static func testHTTPProvider(_ h: Configuration.HTTPGatewayConfig, name: String) async -> Int32 {
        let settings: HTTPGatewaySettings
        let balance: HTTPGatewayProbe.Balance?
        do {
            settings = try httpSettings(h)
            balance = try balanceProbe(h)
        } catch {
            print("FAILED: \(error) (run it with the credentials, e.g. systemd-run --pipe --property=LoadCredential=remindd:/etc/remindd/credentials remindctl test-provider)")
            return 78
        }
        print("provider \(settings)")
        do throws(HTTPGatewayProbe.Failure) {
            let report = try await HTTPGatewayProbe.run(settings, balance: balance)
            for line in report.lines { print("  " + line) }
            let c = report.roundTrip.components
            let ms = Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
            var ok = String(format: "OK: round trip %.1f ms", ms)
            if let value = report.balance {
                ok += String(format: ", balance %.2f", value)
                if let low = h.lowBalance, value < low { ok += String(format: " (below low_balance %.2f)", low) }
            }
            print(ok + "; no SMS sent")
            return 0
        } catch {
            print("FAILED: \(PhoneMask.maskNumbers(in: error.description))")
            return 69
        }
    }
}
