import ArgumentParser
import Foundation
import RemindConfig
import RemindControl

struct Forecast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show when the backlog will drain and how many messages fit in each coming window.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let config = try? Configuration.load(path: global.config)
        let path = config?.control.socket ?? Configuration.ControlSettings().socket
        let response: ControlResponse
        do {
            response = try await ControlClient(path: path).send(ControlRequest(.forecast))
        } catch let error as ControlClientError {
            print(error.message)
            throw ExitCode(error.code == .notRunning ? 3 : error.code == .permissionDenied ? 77 : 1)
        }
        guard response.ok, let f = response.forecast else { throw ValidationError(response.error ?? "remindd answered with an error") }
        if json {
            print(String(decoding: try ControlCoding.encoder().encode(f), as: UTF8.self))
            return
        }
        let tz = TimeZone(identifier: f.timeZone) ?? .current
        let fmt = DateFormatter()
        fmt.locale = Locale(identifier: "en_US_POSIX")
        fmt.timeZone = tz
        fmt.dateFormat = "EEE yyyy-MM-dd HH:mm"
        print("queued \(f.queued), due now \(f.dueNow); drains \(f.drainsAt.map { fmt.string(from: $0) } ?? (f.queued == 0 ? "-" : "never (no window)")) (\(f.timeZone))")
        if f.expiring > 0 { print("\(f.expiring) will expire before a slot is free") }
        if f.exceedsLimit, let limit = f.limitSeconds {
            print("WARNING: the longest wait is \(Self.duration(f.longestWaitSeconds)), over the limit of \(Self.duration(limit)) (schedule.drain_warning)")
        }
        let width = f.windows.map { $0.label(in: tz).count }.max().map { max(34, $0 + 2) } ?? 34
        print("window".padding(toLength: width, withPad: " ", startingAt: 0) + "capacity  planned")
        for w in f.windows {
            let label = w.label(in: tz)
            let cap = w.capacity.map(String.init) ?? "all"
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + cap.padding(toLength: 10, withPad: " ", startingAt: 0) + "\(w.planned)")
        }
    }

    static func duration(_ seconds: Int64) -> String {
        seconds >= 86400 ? String(format: "%.1fd", Double(seconds) / 86400) : seconds >= 3600 ? String(format: "%.1fh", Double(seconds) / 3600) : "\(seconds / 60)m"
    }
}
