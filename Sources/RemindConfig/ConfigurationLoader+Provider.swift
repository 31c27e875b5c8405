import TOMLKit

extension Reader {
    /// The keys of `[provider]` by type; a key of another type is a problem.
    static let providerKeys: [String: [String]] = [
        "outbox": ["directory"],
        "command": ["argv", "timeout", "temporary_exit_codes", "test_argv"],
    ]

    /// `[provider]`: `type = "outbox"` (the default, `directory`) or `type = "command"`
    /// (`argv`, `timeout`, `temporary_exit_codes`, `test_argv`). Whether the command exists
    /// and is executable is checked by `Configuration.problems(with:)`, as it reads the disk.
    mutating func readProvider(_ root: TOMLTable, into c: inout Configuration) {
        c.provider = .outbox(directory: c.spool.root + "/outbox")
        let known = ["type"] + Self.providerKeys.values.flatMap { $0 }
        guard let t = section(root, "provider", known: known) else { return }
        let type = string(t, "provider", "type") ?? "outbox"
        guard let keys = Self.providerKeys[type] else {
            problem("provider.type", "'\(type)' is not a provider this build has (\(Self.providerKeys.keys.sorted().joined(separator: ", ")))")
            return
        }
        for key in t.keys where key != "type" && known.contains(key) && !keys.contains(key) {
            problem("provider.\(key)", "not a key of type = \"\(type)\" (its keys: \(keys.joined(separator: ", ")))")
        }
        switch type {
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
        }
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
