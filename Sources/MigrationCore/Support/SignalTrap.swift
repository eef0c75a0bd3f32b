internal import Foundation

/// Turns SIGINT and SIGTERM into a clean stop request while it is alive; a second signal of the
/// same kind ends the process at once with exit code 3.
public final class SignalTrap: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    public init(stop: StopSignal, onFirst: (@Sendable (Int32) -> Void)? = nil) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isRequested { exit(ExitStatus.interrupted.rawValue) }
                stop.request()
                onFirst?(number)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
