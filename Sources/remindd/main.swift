// remindd: the daemon's entry point. Everything else is in RemindDaemon.
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import RemindDaemon

// A SIGHUP or SIGTERM arriving before the handlers are installed must not kill the
// process (systemd may reload early): ignore both first, then let UnixSignals take them.
signal(SIGHUP, SIG_IGN)
signal(SIGTERM, SIG_IGN)
signal(SIGINT, SIG_IGN)

struct Remindd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remindd",
        abstract: "SMS reminder daemon: inbox files in, staggered SMS out.",
        discussion: "Runs in the foreground under systemd (Type=notify). See remindd(8) and remindd.toml(5).")

    @Option(name: .long, help: "The configuration file.")
    var config: String = "/etc/remindd/remindd.toml"

    @Option(name: .long, help: "Where logs go: auto (the journal under systemd, else stderr), journal, console.")
    var logTarget: String?

    @Option(name: .long, help: "Log level: debug, info, notice, warning, error (overrides log.level).")
    var logLevel: String?

    func run() async throws {
        let code = await Daemon.run(DaemonOptions(configPath: config, logTarget: logTarget, logLevel: logLevel))
        if code != 0 { throw ExitCode(code) }
    }
}

await Remindd.main()
