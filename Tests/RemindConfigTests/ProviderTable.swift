import RemindConfig

/// A configuration made of a practice and one `[provider]` table, for the provider
/// config suites: parsed, or the problems a bad table gives as `KEY: REASON` lines.
protocol ProviderTable {}

extension ProviderTable {
    static var practice: String {
        """
        [practice]
        time_zone = "Australia/Sydney"
        """
    }

    func parse(_ provider: String) throws -> Configuration {
        try Configuration.parse(Self.practice + "\n[provider]\n" + provider, file: "/etc/remindd/remindd.toml")
    }

    func problems(_ provider: String) -> [String] {
        do {
            _ = try parse(provider)
            return []
        } catch {
            return (error as? ConfigError)?.problems.map(\.description) ?? ["\(error)"]
        }
    }
}
