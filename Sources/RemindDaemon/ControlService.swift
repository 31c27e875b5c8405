import Foundation
import RemindControl
import ServiceLifecycle

/// Serves remindctl on the control socket until shutdown.
struct ControlService: Service {
    let engine: Engine
    let path: String

    func run() async throws {
        let engine = self.engine
        let server = ControlServer(path: path) { request in
            switch request.command {
            case .status:
                let s = await engine.statusReport()
                return ControlResponse(ok: true, status: StatusReport(
                    pid: getpid(), startedAt: s.startedAt, counts: s.counts, nextRelease: s.nextRelease,
                    sentToday: s.sentToday, failedToday: s.failedToday, problem: s.problem, line: s.line,
                    rejectedRows: s.rowsRejected, rejectedFiles: s.filesRejected, link: s.link))
            case .forecast:
                return ControlResponse(ok: true, forecast: await engine.forecastReport())
            case .optOutAdd:
                return await engine.optOutAdd(request.arguments["number"] ?? "", reason: request.arguments["reason"], caller: request.caller)
            case .optOutRemove:
                return await engine.optOutRemove(request.arguments["number"] ?? "", caller: request.caller)
            case .optOutList:
                return await engine.optOutList()
            case .queue:
                return await engine.queueReport(request.arguments)
            case .show:
                return await engine.messageReport(request)
            case .stats:
                return await engine.statsReport(request.arguments)
            case .hold, .release, .cancel, .retry:
                return await engine.operate(OperatorAction(rawValue: request.command.rawValue)!, request)
            }
        }
        try await cancelWhenGracefulShutdown {
            try await server.run()
        }
    }
}
