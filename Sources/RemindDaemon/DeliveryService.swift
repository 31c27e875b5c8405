import Foundation
import Logging
import RemindCore
import RemindDelivery
import RemindSchedule
import ServiceLifecycle
import Synchronization

/// Releases messages at their slots and keeps up to `provider.concurrency` hand-overs in
/// flight, recording each answer as it comes (in any order); consumes the provider's
/// gateway events (receipts, replies, link state) for as long as it runs.
///
/// **The loop.** Ask the engine for the next action (the ``ReleaseScheduler`` decides
/// *when*: stagger or rate, windows, expiry); a release is begun on the engine (durably
/// into `active/`), handed to the provider in a child task of a task group, and finished
/// on the engine when the provider answers. With the window full the loop waits for one
/// answer before it asks again, so a window of 1 is today's one-at-a-time release.
/// Between actions it sleeps on the engine's ``Sleeper`` (a timerfd, or a test's manual
/// clock), woken by new messages, reloads, answers that reschedule, and shutdown. Idle,
/// it does nothing at all.
///
/// **Stop.** On graceful shutdown no new release begins; the hand-overs in flight get up
/// to ``stopGrace`` (20 s, inside the unit's TimeoutStopSec=30s) to answer and be recorded.
/// A provider sees the stop too (its `send` runs in this service's child tasks): the SMPP
/// link gives back at once, `notSent`, the message waiting beyond its window, which is
/// requeued with no attempt counted. Then the rest are cancelled: a provider that answers its cancellation records its
/// answer (typically `uncertain`); one that does not leaves its message in `active/`,
/// which recovery's `spool.interrupted` rule settles at the next start. Never resent silently.
struct DeliveryService: Service {
    let engine: Engine
    var stopGrace: Duration = .seconds(20)

    init(engine: Engine, stopGrace: Duration = .seconds(20)) {
        self.engine = engine
        self.stopGrace = stopGrace
    }

    /// A child task's end.
    private enum Completion: Sendable { case answered, stopDeadline, eventsEnded, shutdown }

    func run() async throws {
        let provider = engine.provider
        let sleeper = engine.sleeper
        let window = max(1, provider.concurrency)
        let finished = AnswerCounter()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Completion.self) { group in
                if let events = provider.events {
                    group.addTask {
                        for await event in events {
                            let handled = await engine.handle(event)
                            await provider.handled(event, stored: handled)
                        }
                        return .eventsEnded
                    }
                }
                // Ends when shutdown begins, so a wait for a full window's answer ends too.
                group.addTask {
                    try? await gracefulShutdown()
                    return .shutdown
                }
                var started = 0
                var reaped = 0
                var stopping = false
                /// Reaps completed children until `condition` holds or shutdown begins.
                func reap(until condition: () -> Bool) async {
                    while !stopping, !condition(), let completion = await group.next() {
                        switch completion {
                        case .answered: reaped += 1
                        case .shutdown: stopping = true
                        case .stopDeadline, .eventsEnded: break
                        }
                    }
                }
                while !stopping && !Task.isShuttingDownGracefully && !Task.isCancelled {
                    // Answers already recorded: their children are done or about to be.
                    let done = finished.value.load(ordering: .acquiring)
                    await reap { reaped >= done }
                    if started - reaped >= window {
                        await reap { started - reaped < window }  // the window is full: wait for one answer
                        continue
                    }
                    await engine.housekeeping()
                    switch await engine.nextAction() {
                    case .release(let id):
                        guard let handOver = await engine.beginRelease(id) else { continue }
                        started += 1
                        group.addTask {
                            let answer: Result<DeliveryResult, DeliveryError>
                            do throws(DeliveryError) { answer = .success(try await provider.send(handOver.message)) } catch { answer = .failure(error) }
                            await engine.finishRelease(handOver, answer: answer)
                            finished.value.add(1, ordering: .releasing)
                            return .answered
                        }
                    case .expire(let id, let reason):
                        await engine.expire(id, reason: reason)
                    case .sleep(let until):
                        _ = await sleeper.sleep(until: until)
                    case .idle:
                        _ = await sleeper.sleep(until: .distantFuture)
                    }
                }
                // Stopping: the hand-overs in flight get `stopGrace` to answer.
                let inFlight = started - reaped
                if inFlight > 0 {
                    await engine.log(.stopping, .info, "waiting for hand-overs in flight", [LogKey.count: "\(inFlight)"])
                    let grace = stopGrace
                    group.addTask {
                        try? await Task.sleep(for: grace)
                        return .stopDeadline
                    }
                    while started - reaped > 0, let completion = await group.next() {
                        if completion == .answered { reaped += 1 }
                        if completion == .stopDeadline, started - reaped > 0 {
                            await engine.log(.stopping, .warning, "hand-overs still in flight at the stop deadline; cancelled: an answer is recorded, a message with none stays in active/ for the next start's interrupted rule",
                                             [LogKey.count: "\(started - reaped)"])
                            break
                        }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            sleeper.wake()
        }
    }
}

/// Hand-overs answered and recorded, counted by the child tasks, read by the loop.
private final class AnswerCounter: Sendable {
    let value = Atomic<Int>(0)
}
