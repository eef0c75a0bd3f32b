internal import Foundation
internal import Synchronization

/// Crash-test hooks: `NIM_MIGRATE_FAILPOINT=name` (or `name@N`, the Nth time) makes the process
/// kill itself with SIGKILL when it reaches the named point, so a test can stop it at an exact
/// instant (e.g. right after NIM answered `team/create.action`, before the answer is checkpointed).
/// Inert when the variable is not set.
enum Failpoint {
    static let armed: (name: String, at: Int)? = {
        guard let text = ProcessInfo.processInfo.environment["NIM_MIGRATE_FAILPOINT"], !text.isEmpty else { return nil }
        let parts = text.split(separator: "@")
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()
    static let hits = Atomic<Int>(0)

    static func hit(_ name: String) {
        guard let armed, armed.name == name else { return }
        if hits.add(1, ordering: .relaxed).newValue >= armed.at { kill(getpid(), SIGKILL) }
    }

    /// A tuning override for tests (`NIM_MIGRATE_HISTORY_CHUNK=500`), else `fallback`.
    static func setting(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }
}
