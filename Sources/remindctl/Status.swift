import ArgumentParser
import Foundation
import RemindConfig
import RemindControl
import RemindCore
import RemindSpool

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what remindd reports, or what its spool holds when it is not running.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Option(name: .long, help: "The control socket (default: control.socket from the configuration).")
    var socket: String?

    func run() async throws {
        let config = try? Configuration.load(path: global.config)
        let path = socket ?? config?.control.socket ?? Configuration.ControlSettings().socket
        do {
            let response = try await ControlClient(path: path).send(ControlRequest(.status))
            guard response.ok, let status = response.status else {
                throw ValidationError(response.error ?? "remindd answered with an error")
            }
            if json {
                print(String(decoding: try ControlCoding.encoder().encode(status), as: UTF8.self))
            } else {
                print("remindd is running (pid \(status.pid), since \(Self.format(status.startedAt)))")
                print(status.line)
                for state in MessageState.allCases {
                    if let n = status.counts[state.rawValue], n > 0 { print("  \(state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(n)") }
                }
                print("rejected since start: \(status.rejectedRows) row(s), \(status.rejectedFiles) file(s)")
                if let link = status.link { print("gateway link: \(link)") }
            }
        } catch let error as ControlClientError where error.code == .permissionDenied {
            FileHandle.standardError.write(Data("remindctl: \(error.message)\n".utf8))
            throw ExitCode(77)
        } catch let error as ControlClientError where error.code == .notRunning {
            guard let config else {
                print("remindd is not running, and \(global.config) cannot be read to find its spool")
                throw ExitCode(3)
            }
            let paths = SpoolPaths(root: config.spool.root, inbox: config.spool.inbox)
            var counts: [String: Int] = [:]
            let messages = SpoolInventory.messages(in: paths)
            for state in MessageState.allCases { counts[state.rawValue] = messages[state]?.count ?? 0 }
            let waiting = (try? FileManager.default.contentsOfDirectory(atPath: paths.inbox))?.filter { !$0.hasPrefix(".") }.count ?? 0
            if json {
                let object: [String: Any] = ["running": false, "counts": counts, "inbox": waiting]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print("remindd is not running; the spool at \(paths.root) holds:")
                for state in MessageState.allCases where counts[state.rawValue, default: 0] > 0 {
                    print("  \(state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(counts[state.rawValue]!)")
                }
                print("  inbox      \(waiting) file(s) waiting")
            }
            throw ExitCode(3)
        }
    }

    static func format(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        return f.string(from: date)
    }
}
