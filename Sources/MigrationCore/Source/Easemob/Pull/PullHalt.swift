/// Why a pull stops as a whole (as opposed to one hour, user or file it could not get, which is
/// recorded and reported): one line for the operator and the exit code (SPEC §2, §4).
public struct PullHalt: Error, Sendable, Equatable, CustomStringConvertible {
    /// The cause, as a value.
    public enum Cause: Sendable, Equatable {
        /// Easemob refused the client id or secret (exit 2).
        case credentials(String)
        /// No such org/app on this host: a wrong org, app or cluster host (exit 2).
        case noSuchApp(String)
        /// 429 `resource_limited`: the edition's quota, not a moment's rate (exit 2).
        case quota(String)
        /// Easemob did not answer for longer than `pull.outage_wait`, or not at all at the start
        /// (exit 3 once something was pulled: `pull` again resumes; exit 2 before).
        case outage(String)
        /// The pipeline or the machine: no secret in the environment, an unwritable folder (exit 2).
        case setup(String)
        /// Ctrl-C (exit 3).
        case interrupted
    }

    public var cause: Cause

    public init(_ cause: Cause) {
        self.cause = cause
    }

    /// The process's exit code.
    public var exitCode: Int32 {
        switch cause {
        case .outage, .interrupted: 3
        default: 2
        }
    }

    public var description: String {
        switch cause {
        case .credentials(let text), .noSuchApp(let text), .quota(let text), .outage(let text), .setup(let text):
            "pull stopped: \(text)"
        case .interrupted: "pull interrupted: what was saved stays saved; pull again to go on"
        }
    }
}
