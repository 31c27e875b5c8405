// An experiment, not how remindd runs: `--on-event-loop` runs the benchmark's sends with a
// task executor preference for the SMPP channel's own event loop (one NIO thread), so a
// send writes without hopping to the loop and its answer resumes it without waking a
// pool thread. It measures what the hand-offs between Swift's cooperative pool and NIO
// cost at small windows; the figures in the README's tables do not use it.
import NIOCore
import NIOPosix

final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
