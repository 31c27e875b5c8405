import TOMLKit

extension Reader {
    /// The keys of `[provider]` by type; a key of another type is a problem.
    static let providerKeys: [String: [String]] = [
        "outbox": ["directory", "naming", "gammu_format"],
        "command": ["argv", "timeout", "temporary_exit_codes", "test_argv"],
        "smpp": ["host", "port", "tls", "tls_ca_file", "system_id", "password_credential", "system_type", "bind", "address_range",
                 "source", "source_ton", "source_npi", "service_type", "window", "throughput", "enquire_link",
                 "response_timeout", "reconnect_min", "reconnect_max", "refused_retry", "receipts", "charset", "long_messages", "message_id_type"],
        "kannel": ["url", "username", "password_credential", "from", "dlr_mask", "parameters"] + httpCommonKeys,
        "http": ["method", "url", "headers", "body", "body_encoding", "secret_credentials", "message_id_pointer", "message_id_regex",
                 "error_pointer", "error_regex", "temporary_statuses", "permanent_statuses", "temporary_errors", "permanent_errors"] + httpCommonKeys,
    ]

    /// Keys both HTTP flavours have.
    static let httpCommonKeys = ["concurrency", "connect_timeout", "request_timeout", "receipts", "callback_url", "callback_secret_credential",
                                 "proxy", "proxy_user", "proxy_password_credential", "no_proxy", "tls_ca_file",
                                 "listen", "listen_max_bytes", "listen_timeout", "receipt_status_pointer", "receipt_delivered", "receipt_failed",
                                 "reply_from_pointer", "reply_text_pointer", "balance_url", "balance_pointer", "low_balance",
                                 "balance_check_every", "price_per_segment"]

    /// `[provider]`: `type = "outbox"` (the default, `directory`) or `type = "command"`
    /// (`argv`, `timeout`, `temporary_exit_codes`, `test_argv`). Whether the command exists
    /// and is executable is checked by `Configuration.problems(with:)`, as it reads the disk.
    mutating func readProvider(_ root: TOMLTable, into c: inout Configuration) {
        c.provider = .outbox(directory: c.spool.root + "/outbox")
        let known = Array(Set(["type", "password"] + Self.providerKeys.values.flatMap { $0 })).sorted()
        guard let t = section(root, "provider", known: known) else { return }
        if t["password"] != nil {
            problem("provider.password", "a password is never kept in the configuration: put it in /etc/remindd/credentials/NAME (mode 0600; the unit loads it as a systemd credential) and name the file with password_credential (smpp: default smpp-password; kannel: kannel-password) or, for http, secret_credentials")
        }
        let type = string(t, "provider", "type") ?? "outbox"
        guard let keys = Self.providerKeys[type] else {
            problem("provider.type", "'\(type)' is not a provider this build has (\(Self.providerKeys.keys.sorted().joined(separator: ", ")))")
            return
        }
        for key in t.keys where key != "type" && key != "password" && known.contains(key) && !keys.contains(key) {
            problem("provider.\(key)", "not a key of type = \"\(type)\" (its keys: \(keys.joined(separator: ", ")))")
        }
        switch type {
        case "smpp":
            readSMPP(t, into: &c)
        case "kannel", "http":
            readHTTP(t, type: type, into: &c)
        case "command":
            guard let argv = command(t, "argv") else {
                if t["argv"] == nil { problem("provider.argv", "required for type = \"command\": the command and its arguments, like [\"/usr/local/bin/send-sms\"]") }
                return
            }
            var settings = Configuration.CommandSettings(argv: argv)
            if let d = duration(t, "provider", "timeout") {
                if d > .zero { settings.timeout = d } else { problem("provider.timeout", "must be a positive duration (like 30s)") }
            }
            if let codes = exitCodes(t, "temporary_exit_codes") { settings.temporaryExitCodes = codes }
            settings.testArgv = command(t, "test_argv")
            c.provider = .command(settings)
        default:
            c.provider = .outbox(directory: path(t, "provider", "directory") ?? c.spool.root + "/outbox")
            if let naming = string(t, "provider", "naming") {
                if ["smstools", "gammu"].contains(naming) { c.outboxFormat.naming = naming } else {
                    problem("provider.naming", "must be smstools (smstools3's outgoing files) or gammu (gammu-smsd's files backend)")
                }
            }
            if let format = string(t, "provider", "gammu_format") {
                if c.outboxFormat.naming != "gammu" {
                    problem("provider.gammu_format", "only with naming = \"gammu\"")
                } else if ["unicode", "standard"].contains(format) { c.outboxFormat.gammuFormat = format } else {
                    problem("provider.gammu_format", "must be unicode (UTF-16, gammu-smsd's OutboxFormat = unicode) or standard (UTF-8)")
                }
            }
        }
    }

    /// `type = "smpp"`: required host, system_id and source; the rest have defaults.
    private mutating func readSMPP(_ t: TOMLTable, into c: inout Configuration) {
        for key in ["host", "system_id", "source"] where t[key] == nil {
            problem("provider.\(key)", "required for type = \"smpp\"")
        }
        guard let host = string(t, "provider", "host"), let systemID = string(t, "provider", "system_id"),
              let source = string(t, "provider", "source") else { return }
        var s = Configuration.SMPPSettings(host: host, systemID: systemID, source: source)
        if host.isEmpty { problem("provider.host", "must name the SMSC (a host name or an address)") }
        if systemID.isEmpty || systemID.utf8.count > 15 { problem("provider.system_id", "must be 1 to 15 characters (SMPP 3.4)") }
        let digits = source.hasPrefix("+") ? String(source.dropFirst()) : source
        if source.isEmpty {
            problem("provider.source", "must be the sender: a name of up to 11 characters or a number")
        } else if !digits.allSatisfy({ $0.isASCII && $0.isNumber }), source.count > 11 {
            problem("provider.source", "'\(source)' is longer than the 11 characters an alphanumeric sender can have")
        } else if source.utf8.count > 20 {
            problem("provider.source", "must be at most 20 digits")
        }
        s.port = int(t, "provider", "port", 1...65535) ?? s.port
        s.tls = bool(t, "provider", "tls") ?? s.tls
        if let ca = path(t, "provider", "tls_ca_file") {
            if s.tls { s.tlsCAFile = ca } else { problem("provider.tls_ca_file", "only with tls = true") }
        }
        if let name = string(t, "provider", "password_credential") {
            if name.isEmpty || name.contains("/") || name == "." || name == ".." {
                problem("provider.password_credential", "must be a credential name (as in LoadCredential=NAME:PATH), without '/'")
            } else {
                s.passwordCredential = name
            }
        }
        if let v = string(t, "provider", "system_type") {
            if v.utf8.count > 12 { problem("provider.system_type", "must be at most 12 characters") } else { s.systemType = v }
        }
        if let v = string(t, "provider", "bind") {
            if ["transceiver", "transmitter", "transmitter+receiver"].contains(v) { s.bind = v } else {
                problem("provider.bind", "must be transceiver, transmitter or transmitter+receiver")
            }
        }
        if let v = string(t, "provider", "address_range") {
            if v.utf8.count > 40 { problem("provider.address_range", "must be at most 40 characters") } else { s.addressRange = v }
        }
        s.sourceTON = int(t, "provider", "source_ton", 0...6)
        s.sourceNPI = int(t, "provider", "source_npi", 0...18)
        if let v = string(t, "provider", "service_type") {
            if v.utf8.count > 5 { problem("provider.service_type", "must be at most 5 characters") } else { s.serviceType = v }
        }
        s.window = int(t, "provider", "window", 1...1000) ?? s.window
        if let v = t["throughput"] {
            if let n = v.double ?? v.int.map(Double.init), n > 0, n <= 10_000 { s.throughput = n } else {
                problem("provider.throughput", "must be a number of submits per second, over 0 and at most 10000")
            }
        }
        func positive(_ key: String, _ current: Duration) -> Duration {
            guard let d = duration(t, "provider", key) else { return current }
            guard d > .zero else { problem("provider.\(key)", "must be a positive duration (like 30s)"); return current }
            return d
        }
        s.enquireLink = positive("enquire_link", s.enquireLink)
        s.responseTimeout = positive("response_timeout", s.responseTimeout)
        s.reconnectMin = positive("reconnect_min", s.reconnectMin)
        s.reconnectMax = positive("reconnect_max", s.reconnectMax)
        s.refusedRetry = positive("refused_retry", s.refusedRetry)
        if s.reconnectMax < s.reconnectMin { problem("provider.reconnect_max", "must not be less than reconnect_min") }
        if s.refusedRetry < .seconds(60) { problem("provider.refused_retry", "must be at least 1m: a refused bind is retried slowly, never in a loop") }
        s.receipts = bool(t, "provider", "receipts") ?? s.receipts
        if let v = string(t, "provider", "charset") {
            if ["gsm7", "latin1"].contains(v) { s.charset = v } else { problem("provider.charset", "must be gsm7 (data_coding 0) or latin1 (data_coding 3)") }
        }
        if let v = string(t, "provider", "long_messages") {
            if ["udh", "sar", "payload"].contains(v) { s.longMessages = v } else { problem("provider.long_messages", "must be udh, sar or payload") }
        }
        s.messageIDType = int(t, "provider", "message_id_type", 0...3)
        c.provider = .smpp(s)
    }

    /// An argv at `provider.KEY`: a non-empty array of strings whose first is an absolute path.
    private mutating func command(_ t: TOMLTable, _ key: String) -> [String]? {
        guard let argv = strings(t, "provider", key) else { return nil }
        guard let first = argv.first else {
            problem("provider.\(key)", "must name a command: an absolute path, then its arguments")
            return nil
        }
        guard first.hasPrefix("/") else {
            problem("provider.\(key)[0]", "'\(first)' must be an absolute path (the command is run without a shell or PATH search)")
            return nil
        }
        return argv
    }

    /// Exit codes at `provider.KEY`: integers 1…255.
    private mutating func exitCodes(_ t: TOMLTable, _ key: String) -> [Int]? {
        guard let value = t[key] else { return nil }
        guard let array = value.array else { problem("provider.\(key)", "must be an array of exit codes (like [75])"); return nil }
        var codes: [Int] = []
        for (i, item) in array.enumerated() {
            if let n = item.int, (1...255).contains(n) { codes.append(n) } else {
                problem("provider.\(key)[\(i)]", "must be an exit code, 1…255 (0 always means accepted)")
            }
        }
        return codes
    }
}
