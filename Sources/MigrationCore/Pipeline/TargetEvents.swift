public import Foundation

/// What the client's ``TargetGate`` reports during a command: a halt goes to the stop signal at
/// once, in the gate's own call (so no item is claimed after it, and the run's exit status cannot
/// miss it); then, in order, a note on the progress line ("target not answering since 14:02:11,
/// retrying") and each pause recorded in the state database (the report and `status` show them).
public final class TargetEvents: Sendable {
    private let stream: AsyncStream<TargetGate.Event>
    private let continuation: AsyncStream<TargetGate.Event>.Continuation
    private let stop: StopSignal

    public init(stop: StopSignal) {
        (stream, continuation) = AsyncStream.makeStream()
        self.stop = stop
    }

    /// The client's callback.
    public var sink: @Sendable (TargetGate.Event) -> Void {
        { [continuation, stop] event in
            if case .halted(let halt) = event { stop.halt(halt) }
            continuation.yield(event)
        }
    }

    /// Handles the events until ``finish()``; returns when the last one is handled.
    public func handle(database: StateDatabase?, progress: any ProgressSink) async {
        for await event in stream {
            switch event {
            case .paused(let since, let cause):
                await progress.note("target not answering since \(TargetGate.clockTime(since)) (\(cause)), retrying")
                try? await database?.recordPause(
                    TargetPause(startedAt: Self.millis(since), cause: cause, seconds: nil, outcome: "waiting"))
            case .resumed(let since, let seconds, let cause):
                await progress.note(
                    "target answers again (it did not for \(String(format: "%.0f", seconds)) s): going on")
                try? await database?.recordPause(
                    TargetPause(startedAt: Self.millis(since), cause: cause, seconds: seconds, outcome: "resumed"))
            case .halted(let halt):
                if case .outage = halt, let pause = try? await database?.pauses().last {
                    var ended = pause
                    ended.outcome = "gave up"
                    ended.seconds = Double(Self.millis(Date()) - pause.startedAt) / 1000
                    try? await database?.recordPause(ended)
                }
            }
        }
    }

    /// No more events will come.
    public func finish() { continuation.finish() }

    static func millis(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }
}
