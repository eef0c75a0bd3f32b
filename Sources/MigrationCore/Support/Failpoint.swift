internal import Foundation

/// Crash-test hooks: `NIM_MIGRATE_FAILPOINT=name` makes the process kill itself with SIGKILL when
/// it reaches the named point, so a test can stop it at an exact instant (e.g. right after NIM
/// answered `team/create.action` and before the answer is checkpointed). Inert otherwise.
enum Failpoint {
    static let armed = ProcessInfo.processInfo.environment["NIM_MIGRATE_FAILPOINT"]

    static func hit(_ name: String) {
        guard let armed, armed == name else { return }
        kill(getpid(), SIGKILL)
    }
}
