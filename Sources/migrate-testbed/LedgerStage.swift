import Foundation
import MigrationCore

/// A test double of a stage: each item's visible effect is one line appended to a ledger file,
/// the way a real stage's effect is one call to NIM. Items left in flight by a dead run are
/// reconciled by reading the ledger back (the analogue of a read-back from NIM), so a correct
/// runner yields every line exactly once however often the process is killed.
struct LedgerStage: Stage {
    let id: StageID
    let items: Int
    let ledger: String
    let delay: Duration

    func register(_ context: StageContext) async throws -> StagePlan {
        try await context.registerOnce(fingerprint: "items=\(items)") { emit in
            var batch: [NewWorkItem] = []
            for index in 0..<items {
                batch.append(
                    NewWorkItem(key: "item-\(index)", kind: "double", sourceFile: "double.jsonl", sourceLine: index + 1)
                )
                if batch.count == 10_000 {
                    try await emit(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try await emit(batch)
        }
        return StagePlan(items: items, calls: ["ledger/append": items])
    }

    func run(_ context: StageContext) async throws {
        let line = { @Sendable (item: WorkItem) in "\(id.rawValue) \(item.key)\n" }
        try await context.process { item, resumed in
            if resumed, Self.ledgerContains(ledger, line(item)) { return .done(result: "reconciled") }
            if delay > .zero { try? await Task.sleep(for: delay) }
            guard Self.append(ledger, line(item)) else {
                return .failed(.local("cannot append to ledger", retryable: true))
            }
            Failpoint.hit("ledger.after-append")
            context.calls.record(stage: id, endpoint: "ledger/append", CallStats(calls: 1))
            return .done()
        }
    }

    static func append(_ path: String, _ line: String) -> Bool {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    static func ledgerContains(_ path: String, _ line: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0 + "\n" == line }
    }
}
