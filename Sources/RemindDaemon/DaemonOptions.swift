/// What the command line gives the daemon.
public struct DaemonOptions: Sendable {
    public var configPath: String
    /// `auto`, `journal` or `console`; nil uses the config's `log.target`.
    public var logTarget: String?
    /// Overrides the config's `log.level`.
    public var logLevel: String?

    public init(configPath: String, logTarget: String? = nil, logLevel: String? = nil) {
        self.configPath = configPath
        self.logTarget = logTarget
        self.logLevel = logLevel
    }
}

/// The daemon's exit codes (sysexits.h), so `systemctl status` says what happened.
public enum DaemonExit {
    public static let success: Int32 = 0
    /// The spool could not be prepared or recovered.
    public static let ioError: Int32 = 74
    /// The configuration or the templates are invalid (the unit does not restart on it).
    public static let configError: Int32 = 78
    public static let softwareError: Int32 = 70
    /// Another remindd holds the spool's lock (a second instance on the same spool); the
    /// unit does not restart on it.
    public static let spoolLocked: Int32 = 75
}
