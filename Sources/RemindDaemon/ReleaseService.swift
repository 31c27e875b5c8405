import Foundation
import RemindSchedule
import ServiceLifecycle

/// Releases messages at their slots. Between releases it sleeps on a wall-clock
/// timer (woken early by new messages, reloads, shutdown, or a clock change) and
/// does no work at all. On shutdown an in-flight send finishes before it returns.
struct ReleaseService: Service {
    let engine: Engine

    func run() async throws {
        let sleeper = engine.sleeper
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                await engine.housekeeping()
                switch await engine.nextAction() {
                case .release(let id):
                    await engine.release(id)
                case .expire(let id, let reason):
                    await engine.expire(id, reason: reason)
                case .sleep(let until):
                    _ = await sleeper.sleep(until: until)
                case .idle:
                    _ = await sleeper.sleep(until: .distantFuture)
                }
            }
        } onGracefulShutdown: {
            sleeper.wake()
        }
    }
}
