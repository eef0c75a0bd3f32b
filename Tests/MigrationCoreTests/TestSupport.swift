import Foundation
import Synchronization

@testable import MigrationCore

/// A fresh temporary folder per test.
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("nimmig-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A fresh state database, in memory.
func temporaryDatabase() throws -> StateDatabase {
    try StateDatabase.inMemory()
}

/// An in-process test double: every item's effect is counted in memory, per key.
struct CountingStage: Stage {
    let id: StageID
    let keys: [String]
    let effects: Effects
    var failKeys: Set<String> = []
    var stopAfter: Int? = nil
    var stop: StopSignal? = nil

    final class Effects: Sendable {
        let counts = Mutex<[String: Int]>([:])
        let resumed = Mutex<[String]>([])
        func add(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }
        var snapshot: [String: Int] { counts.withLock { $0 } }
        var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    }

    func register(_ context: StageContext) async throws -> StagePlan {
        try await context.registerOnce(fingerprint: "\(keys.count)") { emit in
            try await emit(
                keys.enumerated().map { NewWorkItem(key: $1, kind: "t", sourceFile: "t.jsonl", sourceLine: $0 + 1) })
        }
        return StagePlan(items: keys.count, calls: ["test/effect": keys.count])
    }

    func run(_ context: StageContext) async throws {
        try await context.process { item, resumed in
            if resumed { effects.resumed.withLock { $0.append(item.key) } }
            if failKeys.contains(item.key) {
                return .failed(CallFailure(code: 414, desc: "bad \(item.key)", endpoint: "test"))
            }
            effects.add(item.key)
            context.calls.record(stage: id, endpoint: "test/effect", CallStats(calls: 1))
            if let stopAfter, effects.total >= stopAfter { stop?.request() }
            return .done(result: "new-\(item.key)")
        }
    }
}
