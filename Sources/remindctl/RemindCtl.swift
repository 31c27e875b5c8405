// remindctl: the sysadmin's control CLI for remindd. It talks to the daemon over
// its control socket and, when the daemon is down, reads the spool directly. It
// links no delivery code: it can inspect and steer, never send (test-provider runs
// the configured test command through ProcessKit, never a send).
import ArgumentParser
import Foundation
import RemindAssembly
import RemindConfig

@main
struct RemindCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remindctl",
        abstract: "Inspect and steer remindd, the SMS reminder daemon.",
        discussion: "See remindctl(1). Exit status: 0 success, 1 failure or refused, 3 daemon not running (status), 64 usage, 65 not a phone number or not a message id, 69 daemon not running (hold, release, cancel, retry) or provider check failed (test-provider), 74 I/O error, 77 no access to the control socket or the spool, 78 bad configuration.",
        subcommands: [Status.self, Queue.self, Show.self, Hold.self, Release.self, Cancel.self, Retry.self, Stats.self,
                      Forecast.self, CheckConfig.self, Preview.self, OptOut.self, Replies.self, TestProvider.self])

    /// `remindctl --config FILE status` works as `remindctl status --config FILE` does:
    /// `--config` and `--socket` given before the subcommand (as `systemctl` and
    /// `postqueue -c` users type them) are moved to the end of the command line.
    static func main() async {
        await main(Array(movingLeadingOptions(Array(CommandLine.arguments.dropFirst()))))
    }

    static let leadingOptions = ["--config", "--socket"]

    static func movingLeadingOptions(_ args: [String]) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if leadingOptions.contains(a), i + 1 < args.count {
                leading += [a, args[i + 1]]
                i += 2
            } else if leadingOptions.contains(where: { a.hasPrefix($0 + "=") }) {
                leading.append(a)
                i += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, i < args.count else { return args }
        // At the end, so they reach the innermost subcommand (`optout add NUMBER --config …`).
        if let terminator = args[i...].firstIndex(of: "--") {
            return Array(args[i..<terminator]) + leading + Array(args[terminator...])
        }
        return Array(args[i...]) + leading
    }
}

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config: String = "/etc/remindd/remindd.toml"
}

extension GlobalOptions {
    /// The configuration, or its problems on standard error and exit status 78 (EX_CONFIG).
    func loadConfiguration() throws -> Configuration {
        do {
            return try Configuration.load(path: config)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(78)
        }
    }

    /// What the daemon makes of the configuration (``Assembly/build(_:ids:)``, its own verdict
    /// at start and reload), or every problem on standard error and exit status 78.
    func loadAssembly() throws -> Assembly {
        let config = try loadConfiguration()
        do {
            return try Assembly.build(config)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(78)
        }
    }
}
