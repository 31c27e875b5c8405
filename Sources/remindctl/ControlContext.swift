import ArgumentParser
import Foundation
import RemindConfig
import RemindControl
import RemindCore

/// Exit statuses of the queue commands (`queue`, `show`, `hold`, `release`, `cancel`,
/// `retry`), from sysexits.h where one fits; remindctl(1) lists them.
enum QueueExit {
    /// The daemon refused a change (the message is in a state the action does not apply to).
    static let refused: Int32 = 1
    /// A message id that is malformed or not in the spool (EX_DATAERR).
    static let badID: Int32 = 65
    /// The daemon is not running and the command needs it (EX_UNAVAILABLE).
    static let unavailable: Int32 = 69
    /// The control socket or the spool is not open to this user (EX_NOPERM).
    static let noPermission: Int32 = 77
    /// The configuration cannot be read (EX_CONFIG).
    static let config: Int32 = 78
}

/// Options the queue commands share.
struct QueueOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The control socket (default: control.socket from the configuration).")
    var socket: String?
}

/// The configuration and the control socket of one invocation of a queue command.
struct ControlContext {
    let config: Configuration
    let socket: String

    init(_ options: QueueOptions) throws {
        config = try options.global.loadConfiguration()
        socket = options.socket ?? config.control.socket
    }

    var timeZone: TimeZone { config.practice.timeZone }

    /// The daemon's answer, or nil when it is not running. Exits 77 when the socket is
    /// not open to this user, 1 when the answer cannot be read.
    func ask(_ request: ControlRequest) async throws -> ControlResponse? {
        do {
            return try await ControlClient(path: socket).send(request)
        } catch let error as ControlClientError where error.code == .notRunning {
            return nil
        } catch let error as ControlClientError {
            Self.fail(error.message)
            throw ExitCode(error.code == .permissionDenied ? QueueExit.noPermission : QueueExit.refused)
        }
    }

    /// Writes `remindctl: <message>` to standard error.
    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("remindctl: \(message)\n".utf8))
    }

    /// Exits with the status a refused request's error code stands for.
    static func exit(for response: ControlResponse) -> ExitCode {
        fail(response.error ?? "remindd answered with an error")
        return ExitCode(status(for: response.errorCode))
    }

    static func status(for code: ControlErrorCode?) -> Int32 {
        switch code {
        case .badID?: QueueExit.badID
        case .badArgument?: ExitCode.validationFailure.rawValue
        default: QueueExit.refused
        }
    }

    /// `date` in the practice's zone: `2026-11-24 20:00` (with seconds: `…20:00:05`).
    static func local(_ date: Date, _ zone: TimeZone, seconds: Bool = false) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }

    /// Message ids as typed, or exit 65 naming the first that is not 16 hexadecimal digits.
    static func messageIDs(_ raw: [String]) throws -> [MessageID] {
        var ids: [MessageID] = []
        for text in raw {
            guard let id = MessageID(text.uppercased()) else {
                fail("not a message id (16 hexadecimal digits): \(text)")
                throw ExitCode(QueueExit.badID)
            }
            ids.append(id)
        }
        return ids
    }
}
