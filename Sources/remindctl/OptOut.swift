import ArgumentParser
import Foundation
import RemindAssembly
import RemindConfig
import RemindControl
import RemindCore
import RemindRecipients
import RemindSpool

/// `remindctl optout add|remove|list`: the opt-out list, through the daemon when it runs
/// (it owns the list and withdraws pending messages at once), else the list's file
/// directly, under the same `flock` the daemon takes when it writes.
///
/// Exit status: 0 done, 1 the daemon answered an error, 65 not a phone number, 74 the
/// list cannot be read or written, 77 the control socket is not open to this user,
/// 78 the configuration cannot be read.
struct OptOut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optout",
        abstract: "Put numbers on the opt-out list, take them off, or list them.",
        discussion: """
            Numbers are normalised for practice.region as remindd does (0412 345 678 in AU is +61412345678).
            With remindd running, the daemon changes the list and `add` withdraws the number's pending messages
            at once; with it stopped, the list's file is changed directly and those messages are cancelled
            when they come up for release. Exit status: 0 done, 1 remindd answered an error, 65 not a phone
            number, 74 the list cannot be read or written, 77 no access to the control socket, 78 bad configuration.
            """,
        subcommands: [Add.self, Remove.self, List.self])

    /// Exit statuses (sysexits.h where one fits).
    enum Exit {
        static let daemonError: Int32 = 1
        static let badNumber: Int32 = 65  // EX_DATAERR
        static let ioError: Int32 = 74  // EX_IOERR
        static let noPermission: Int32 = 77  // EX_NOPERM
    }

    /// Options of every `optout` subcommand.
    struct Options: ParsableArguments {
        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "The control socket (default: control.socket from the configuration).")
        var socket: String?
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a number on the opt-out list and withdraw its pending messages.")

        @OptionGroup var options: Options

        @Argument(help: "The phone number, as written in the practice system.")
        var number: String

        @Option(name: .long, help: "Why (kept with the entry as its source; never logged).")
        var reason: String?

        func run() async throws {
            let context = try Context(options)
            let e164 = try context.normalize(number)
            var arguments = ["number": e164]
            if let reason { arguments["reason"] = reason }
            if let report = try await context.ask(.optOutAdd, arguments) {
                let masked = PhoneMask.mask(report.number ?? e164)
                print(report.changed == false ? "\(masked) was already on the opt-out list" : "\(masked) put on the opt-out list")
                let withdrawn = report.withdrawn ?? []
                print("\(withdrawn.count) pending message(s) withdrawn" + (withdrawn.isEmpty ? "" : ": " + withdrawn.joined(separator: " ")))
                return
            }
            let source = "remindctl" + (reason.map { $0.isEmpty ? "" : " (\($0))" } ?? "")
            let added = try context.offline { list throws(OptOutError) in try list.add(e164, source: source) }
            print(added ? "\(PhoneMask.mask(e164)) put on the opt-out list" : "\(PhoneMask.mask(e164)) was already on the opt-out list")
            print("remindd is not running: the number's pending messages are cancelled when they come up for release")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a number off the opt-out list.")

        @OptionGroup var options: Options

        @Argument(help: "The phone number, as written in the practice system.")
        var number: String

        func run() async throws {
            let context = try Context(options)
            let e164 = try context.normalize(number)
            let removed: Bool
            if let report = try await context.ask(.optOutRemove, ["number": e164]) {
                removed = report.changed ?? false
            } else {
                removed = try context.offline { list throws(OptOutError) in try list.remove(e164, source: "remindctl") }
            }
            print(removed ? "\(PhoneMask.mask(e164)) taken off the opt-out list" : "\(PhoneMask.mask(e164)) was not on the opt-out list")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the opt-out list: number, date and source.",
            discussion: "Numbers are masked unless --full is given (for the operator at the terminal only).")

        @OptionGroup var options: Options

        @Flag(name: .long, help: "Print JSON (an array of {number, date, source}).")
        var json = false

        @Flag(name: .long, help: "Show numbers in full.")
        var full = false

        func run() async throws {
            let context = try Context(options)
            let entries: [OptOutReport.Entry]
            if let report = try await context.ask(.optOutList, [:]) {
                entries = report.entries
            } else {
                do {
                    entries = try OptOutList.read(path: context.listPath).map { .init(number: $0.number, date: $0.date, source: $0.source) }
                } catch {
                    FileHandle.standardError.write(Data("remindctl: \(error)\n".utf8))
                    throw ExitCode(Exit.ioError)
                }
            }
            let shown = entries.map { OptOutReport.Entry(number: full ? $0.number : PhoneMask.mask($0.number), date: $0.date, source: $0.source) }
            if json {
                print(String(decoding: try ControlCoding.encoder().encode(shown), as: UTF8.self))
                return
            }
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = context.config.practice.timeZone
            f.dateFormat = "yyyy-MM-dd HH:mm"
            print("number            date              source")
            for e in shown {
                print(e.number.padding(toLength: 18, withPad: " ", startingAt: 0) + f.string(from: e.date) + "  " + e.source)
            }
            print("\(shown.count) number(s) opted out")
        }
    }

    /// The configuration, the socket and the list's file of one invocation.
    struct Context {
        let config: Configuration
        let socket: String
        var listPath: String { SpoolPaths(root: config.spool.root, inbox: config.spool.inbox).state + "/opt-out" }

        init(_ options: Options) throws {
            config = try options.global.loadConfiguration()
            socket = options.socket ?? config.control.socket
        }

        /// `raw` in E.164 for the practice's region (a number of any type), or exit 65
        /// with libphonenumber's reason.
        func normalize(_ raw: String) throws -> String {
            let normalizer = config.phoneNormalizer
            switch normalizer.parse(raw) {
            case .success(let recipient): return recipient.e164
            case .failure(let refusal):
                FileHandle.standardError.write(Data("remindctl: not a phone number for \(config.practice.region): \(refusal.description)\n".utf8))
                throw ExitCode(Exit.badNumber)
            }
        }

        /// The daemon's answer, or nil when it is not running.
        func ask(_ command: ControlRequest.Command, _ arguments: [String: String]) async throws -> OptOutReport? {
            let response: ControlResponse
            do {
                response = try await ControlClient(path: socket).send(ControlRequest(command, arguments: arguments))
            } catch let error as ControlClientError where error.code == .notRunning {
                return nil
            } catch let error as ControlClientError {
                FileHandle.standardError.write(Data("remindctl: \(error.message)\n".utf8))
                throw ExitCode(error.code == .permissionDenied ? Exit.noPermission : Exit.daemonError)
            }
            guard response.ok, let report = response.optOut else {
                FileHandle.standardError.write(Data("remindctl: \(response.error ?? "remindd answered with an error")\n".utf8))
                let status: Int32 = switch response.errorCode {
                case .badArgument?: Exit.badNumber
                case .ioError?: Exit.ioError
                default: Exit.daemonError
                }
                throw ExitCode(status)
            }
            return report
        }

        /// Creates the spool's `state/` if remindd never ran on it, owned (as root) by the
        /// spool's owner like the rest of it. The spool itself must exist.
        func makeStateDirectory() throws {
            let spool = SpoolPaths(root: config.spool.root, inbox: config.spool.inbox)
            var st = stat()
            if stat(spool.state, &st) == 0 { return }
            guard stat(spool.root, &st) == 0 else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: spool.root, NSLocalizedDescriptionKey: "no spool at \(spool.root)"])
            }
            guard mkdir(spool.state, 0o700) == 0 || errno == EEXIST else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: spool.state, NSLocalizedDescriptionKey: "cannot create \(spool.state)"])
            }
            if geteuid() == 0 { _ = chown(spool.state, st.st_uid, st.st_gid) }
        }

        /// Changes the list's file directly (remindd is not running), under its lock.
        func offline<T>(_ change: (OptOutList) throws(OptOutError) -> T) throws -> T {
            let list = OptOutList(path: listPath)
            do {
                try makeStateDirectory()
                try list.load()
                return try change(list)
            } catch {
                FileHandle.standardError.write(Data("remindctl: \(error)\n".utf8))
                throw ExitCode(Exit.ioError)
            }
        }
    }
}
