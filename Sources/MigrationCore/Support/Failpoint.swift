internal import Foundation
internal import Synchronization

/// Crash-test hooks: `NIM_MIGRATE_FAILPOINT=name` (or `name@N`, the Nth time) makes the process
/// kill itself with SIGKILL when it reaches the named point, so a test can stop it at an exact
/// instant (e.g. right after NIM answered `team/create.action`, before the answer is checkpointed)
/// however busy the machine is; `name@N:INT` sends itself SIGINT instead (an operator's Ctrl-C),
/// once. Inert when the variable is not set.
public enum Failpoint {
    static let armed: (name: String, at: Int, signal: Int32)? = {
        guard let text = ProcessInfo.processInfo.environment["NIM_MIGRATE_FAILPOINT"], !text.isEmpty else { return nil }
        let (point, signal) =
            text.hasSuffix(":INT") ? (text.dropLast(":INT".count), SIGINT) : (Substring(text), SIGKILL)
        let parts = point.split(separator: "@")
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 1 : 1, signal)
    }()
    static let hits = Atomic<Int>(0)

    public static func hit(_ name: String) {
        guard let armed, armed.name == name else { return }
        let count = hits.add(1, ordering: .relaxed).newValue
        if armed.signal == SIGKILL ? count >= armed.at : count == armed.at { kill(getpid(), armed.signal) }
    }

    /// A tuning override for tests (`NIM_MIGRATE_HISTORY_CHUNK=500`), else `fallback`.
    static func setting(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }
}
