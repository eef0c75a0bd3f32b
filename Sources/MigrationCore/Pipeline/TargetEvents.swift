public import Foundation

/// What the client's ``TargetGate`` reports during a command, handled in order: a note on the
/// progress line ("target not answering since 14:02:11, retrying"), each pause recorded in the
/// state database (the report and `status` show them), and a halt handed to the stop signal.
public final class TargetEvents: Sendable {
    private let stream: AsyncStream<TargetGate.Event>
    private let continuation: AsyncStream<TargetGate.Event>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    /// The client's callback.
    public var sink: @Sendable (TargetGate.Event) -> Void {
        { [continuation] event in continuation.yield(event) }
    }

    /// Handles the events until ``finish()``; returns when the last one is handled.
    public func handle(database: StateDatabase?, progress: any ProgressSink, stop: StopSignal) async {
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
                stop.halt(halt)
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
