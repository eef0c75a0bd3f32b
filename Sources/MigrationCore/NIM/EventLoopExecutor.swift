internal import NIOCore

/// Runs tasks on one NIO event loop: the loop that owns the client's connections (issue 27).
///
/// Why: a task on Swift's shared pool that sends on a connection wakes the loop's thread, and the
/// answer wakes a pool thread to resume it — two thread hand-offs per call, each a futex or an
/// eventfd write and a scheduler round. Item workers that prefer this executor write, are
/// answered and go on with the next item on the loop's own thread, with no hand-off at all.
///
/// Only for work that never blocks its thread (the loop serves every connection of the pool):
/// calls, small JSON, the state database (GRDB runs on its own queue and resumes here).
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
