// remindd: the daemon's entry point. Everything else is in RemindDaemon.
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import RemindDaemon

@main
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

    @Flag(name: .long, help: "SMPP: bind, time one enquire_link, unbind, and exit (0 OK, 69 refused or unreachable, 78 configuration); sends no SMS.")
    var testProvider = false

    static func main() async {
        // A SIGHUP or SIGTERM arriving before the handlers are installed must not kill the
        // process (systemd may reload early): ignore them first; UnixSignals takes them later.
        signal(SIGHUP, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    func run() async throws {
        if testProvider {
            let code = await Daemon.testProvider(configPath: config)
            if code != 0 { throw ExitCode(code) }
            return
        }
        let options = DaemonOptions(configPath: config, logTarget: logTarget, logLevel: logLevel)
        // The async main task runs at a high priority, which libdispatch maps to a negative
        // nice value that an unprivileged service may not take (it logs "Failed to set
        // thread priority"): run the daemon at the default priority instead.
        let code = await withTaskGroup(of: Int32.self) { group in
            group.addTask(priority: .medium) { await Daemon.run(options) }
            return await group.next() ?? DaemonExit.softwareError
        }
        if code != 0 { throw ExitCode(code) }
    }
}

