import Foundation
import MigrationCore
import Testing

@testable import DualRun

/// The exactly-once and ordering checks fail closed (issue 26): a read of serve's own store that
/// cannot answer holds the message — it is never taken for "not recalled", "nothing before it" or
/// "not one of ours", so it is never sent on it.
@Suite struct ServeFailedReadTests {
    /// A fresh store holding message 11 (User0 → User1) claimed; `breaking` renamed away afterwards
    /// so every read of it fails.
    private func claimedMessage(breaking table: String) async throws -> (
        ServeStore, ServeStore.Claim, path: String
    ) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serve-read-\(UUID()).sqlite").path
        let store = try ServeStore(path: path)
        let message = try SourceMessage.read(
            JSONValue.parse(Data(ServeFixture.p2p(11, from: "User0", to: "User1", text: "once").utf8))
        ).get()
        _ = try await store.receive([message], cutoff: 0, now: StateDatabase.wallClockMillis())
        let claim = try #require(try await store.claim(now: StateDatabase.wallClockMillis()))
        try await store.pool.write { db in try db.execute(sql: "ALTER TABLE \(table) RENAME TO \(table)_gone") }
        return (store, claim, path)
    }

    @Test func aMessageWhoseOrderOrRecallCannotBeReadIsNotSent() async throws {
        try await ServeFixture.with { fixture in
            // The event queue unreadable: neither "no earlier change" nor "not recalled" can be told.
            let (store, claim, path) = try await claimedMessage(breaking: "event")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let sender = BridgeSender(
                context: WorkerContext(
                    store: store, concurrency: 1, dependencyWaitMs: 600_000, now: StateDatabase.wallClockMillis,
                    log: { _ in }),
                state: fixture.state, client: fixture.client,
                hosting: FileHosting(
                    root: fixture.dir, policy: fixture.settings.pipeline.files.policy, client: fixture.client,
                    database: fixture.state),
                bells: (Doorbell(), Doorbell()))
            let settlement = await sender.process(claim)
            guard case .retry = settlement else {
                Issue.record("expected a retry, got \(settlement)")
                return
            }
            #expect("\(settlement)".contains("cannot read"), "\(settlement)")
            #expect(try await fixture.nimMessages().isEmpty)
        }
    }

    @Test func aFailedReadOfWhatServeSentIsNotNotFound() async throws {
        try await ServeFixture.with { fixture in
            let (store, claim, path) = try await claimedMessage(breaking: "inbox")
            defer { try? FileManager.default.removeItem(atPath: path) }
            // The send reached NIM; serve's record of what it sent cannot be read.
            let normalizer = HistoryNormalizer(
                mapping: .init(user: { .migrated($0.lowercased()) }, team: { _ in nil }, file: { _ in nil }))
            let line = ServeFixture.p2p(11, from: "User0", to: "User1", text: "once")
            guard case .message(let mapped, _, _) = normalizer.normalize(Data(line.utf8)) else {
                Issue.record("line not normalised")
                return
            }
            let outgoing = try #require(OutgoingMessage(mapped, sourceKey: claim.message.key))
            _ = try await fixture.client.send(outgoing.request, stage: .history)
            let reconciler = SendReconciler(client: fixture.client, store: store, now: StateDatabase.wallClockMillis)
            let finding = await reconciler.find(outgoing, since: StateDatabase.wallClockMillis() - 60_000)
            guard case .unknown(let reason) = finding else {
                Issue.record("expected unknown, got \(finding)")
                return
            }
            #expect(reason.desc.contains("cannot read"), "\(reason)")
        }
    }
}
