internal import Foundation
internal import GRDB
internal import MigrationCore

extension ServeStore {
    /// What storing a CC did.
    enum CCReceipt: Sendable, Equatable {
        case queued
        /// The same `msgidServer` was stored before.
        case duplicate
        /// A copy of a message the bridge itself sent to NIM.
        case echo
    }

    /// Stores one CC body for forwarding, once per `msgidServer`, in one transaction.
    func receiveCC(msgidServer: String, body: Data, fromREST: Bool, now: Int64) async throws -> CCReceipt {
        try await pool.write { db in
            let own =
                try Int64(msgidServer).flatMap {
                    try Bool.fetchOne(db, sql: "SELECT 1 FROM inbox WHERE nim_msgid = ?", arguments: [$0])
                } ?? false
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO outbox (msgid_server, body, rest, received_at, status, settled_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    msgidServer, body, fromREST, now,
                    own ? OutboxStatus.echo.rawValue : OutboxStatus.pending.rawValue, own ? now : nil,
                ])
            if db.changesCount == 0 { return .duplicate }
            return own ? .echo : .queued
        }
    }

    /// A CC waiting to be forwarded.
    struct Forward: Sendable, Equatable {
        var id: Int64
        var msgidServer: String
        var body: Data
        var fromREST: Bool
        var receivedAt: Int64
        var attempts: Int
    }

    /// The oldest CC due for forwarding at `now`.
    func nextForward(now: Int64) async throws -> Forward? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT id, msgid_server, body, rest, received_at, attempts FROM outbox
                    WHERE status = \(OutboxStatus.pending.sql) AND next_at <= ? ORDER BY id LIMIT 1
                    """, arguments: [now]
            ).map {
                Forward(
                    id: $0["id"], msgidServer: $0["msgid_server"], body: $0["body"], fromREST: $0["rest"],
                    receivedAt: $0["received_at"], attempts: $0["attempts"])
            }
        }
    }

    /// How a forward ended: the outbox's one settlement type.
    enum ForwardSettlement: Sendable, Equatable {
        /// The old server answered 2xx.
        case forwarded
        /// A copy of a message or recall this bridge made: not sent to the old server.
        case echo
        /// Not delivered (the old server's HTTP status in `code`, 0 when it did not answer): again
        /// at `at`.
        case retry(at: Int64, CallFailure)
    }

    /// Records a forward's outcome.
    func settle(forward id: Int64, _ settlement: ForwardSettlement, now: Int64) async throws {
        try await pool.write { db in
            switch settlement {
            case .forwarded, .echo:
                let status: OutboxStatus = settlement == .echo ? .echo : .forwarded
                try db.execute(
                    sql: "UPDATE outbox SET status = ?, settled_at = ?, reason = NULL WHERE id = ?",
                    arguments: [status.rawValue, now, id])
            case .retry(let at, let failure):
                try db.execute(
                    sql: "UPDATE outbox SET attempts = attempts + 1, next_at = ?, reason = ? WHERE id = ?",
                    arguments: [at, failure.reason, id])
            }
        }
    }
}
