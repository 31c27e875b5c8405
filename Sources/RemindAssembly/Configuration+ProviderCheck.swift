import Foundation
public import RemindConfig
public import RemindText

extension Configuration {
    /// What keeps the provider from working: the command of `type = "command"` (and its
    /// `test_argv`) must exist and be executable by this user; a CA file must be readable;
    /// the request templates of `type = "http"` (url, headers, body, and balance_url)
    /// must parse as the gateway parses them, name only values remindd has, and
    /// give an http(s) URL. One line each, `FILE: KEY: REASON`; part of ``problems(with:)``.
    public func providerProblems() -> [String] {
        if case .smpp(let smpp) = provider, let ca = smpp.tlsCAFile, !FileManager.default.isReadableFile(atPath: ca) {
            return ["\(file): provider.tls_ca_file: \(ca) does not exist or is not readable by this user"]
        }
        if case .http(let http) = provider {
            var problems: [String] = []
            if let ca = http.tlsCAFile, !FileManager.default.isReadableFile(atPath: ca) {
                problems.append("\(file): provider.tls_ca_file: \(ca) does not exist or is not readable by this user")
            }
            let secrets = Set(http.rest?.secretCredentials.keys.map { $0 } ?? [])
            // The message's request sees the message's values and the secrets.
            if let r = http.rest {
                let found = RequestTemplate.problems(url: r.url, headers: http.requestHeaders, body: r.body,
                                                     encoding: RequestTemplate.BodyEncoding(rawValue: r.bodyEncoding) ?? .json,
                                                     values: RequestTemplate.messageValues.union(secrets))
                problems += found.map { "\(file): provider.\($0.part): \($0.reason)" }
            }
            // The balance request: balance_url sees only the secrets. (It sends the same
            // headers, whose problems are the message request's; a header naming a message
            // value is sent empty there, which a gateway's balance call ignores.)
            if let url = http.balanceURL, http.balancePointer != nil {
                problems += RequestTemplate.problems(url: url, values: secrets).map { "\(file): provider.balance_url: \($0.reason)" }
            }
            return problems
        }
        guard case .command(let settings) = provider else { return [] }
        var problems: [String] = []
        for (key, argv) in [("argv", settings.argv), ("test_argv", settings.testArgv)] {
            guard let path = argv?.first else { continue }
            if let reason = Self.executableProblem(path) { problems.append("\(file): provider.\(key)[0]: \(reason)") }
        }
        return problems
    }

    /// Why `path` cannot be run by this user, or nil.
    static func executableProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "\(path) does not exist" }
        if isDirectory.boolValue { return "\(path) is a directory, not a command" }
        guard FileManager.default.isExecutableFile(atPath: path) else { return "\(path) is not executable by this user" }
        return nil
    }
}

extension Configuration.HTTPGatewayConfig {
    /// The REST flavour's request (`url`, `headers`, `body`, `body_encoding`) as the gateway
    /// sends it; nil for Kannel. The verdict checks it, the daemon sends with it.
    public func requestTemplate() throws(RequestTemplate.Failure) -> RequestTemplate? {
        guard let r = rest else { return nil }
        return try RequestTemplate(url: r.url, headers: requestHeaders, body: r.body,
                                   encoding: RequestTemplate.BodyEncoding(rawValue: r.bodyEncoding) ?? .json)
    }

    /// The REST flavour's header templates, by name (both requests send them).
    var requestHeaders: [(String, String)] {
        (rest?.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The balance request (`balance_url`, with the REST flavour's headers), rendered with the
    /// secrets only; nil without `balance_url`.
    public func balanceTemplate() throws(RequestTemplate.Failure) -> RequestTemplate? {
        guard let url = balanceURL, balancePointer != nil else { return nil }
        return try RequestTemplate(url: url, headers: requestHeaders)
    }
}
