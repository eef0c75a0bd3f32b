internal import Foundation
internal import GRDB

/// The durable queues of `serve`: `state/NAME/serve.sqlite`, apart from the pipeline's state
/// database so that serve can run beside `nim-migrate run` (it only reads the pipeline's id maps).
///
/// Tables: `inbox` (old → NIM: every received message once per source key, its receipt sequence
/// number — the `/incremental` cursor — its sending status and its line in the plan's format;
/// ``ServeStore+Inbox``), `event` (the old server's changes, once per event id, with their scope and
/// progress; ``ServeStore+Events``), `outbox` (NIM CC → old server, once per `msgidServer`;
/// ``ServeStore+Outbox``), `hosted_file` (attachments serve re-hosted itself) and `team_owner` (the
/// owner team calls are made by). Statuses are enums (``QueueStatus``); SQL names them. WAL mode;
/// every state change is one transaction, committed before the HTTP answer or the next call, so a
/// kill -9 loses nothing that was acknowledged.
final class ServeStore: Sendable {
    let pool: DatabasePool

    /// Status of an inbox row.
    enum InboxStatus: Int, ClaimedStatus {
        /// Waiting to be sent (also after a retryable failure, with `next_at`).
        case pending = 0
        /// Claimed by the sender: the call may be on its way. Found at start = resumed.
        case inFlight = 1
        /// NIM has it (`nim_msgid`).
        case sent = 2
        /// Not sent, for good (`reason`).
        case failed = 3
        /// Not for sendMsg: created before the cut-off (history has it) or a team notification.
        case skipped = 4
    }

    /// Status of an outbox row.
    enum OutboxStatus: Int, QueueStatus {
        case pending = 0
        case forwarded = 2
        /// A copy of a message the bridge itself sent: not echoed back to the old server.
        case echo = 4
    }

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// Schema migrations, registered by id; never edit one that has shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerSQL(
            "serve-v1",
            """
            CREATE TABLE inbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                source_key TEXT NOT NULL UNIQUE,
                conv TEXT NOT NULL,
                raw TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                status INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_at INTEGER NOT NULL DEFAULT 0,
                claimed_at INTEGER,
                uncertain_since INTEGER,
                nim_msgid INTEGER,
                line TEXT,
                reason TEXT,
                settled_at INTEGER
            );
            CREATE INDEX inbox_status ON inbox (status, seq);
            CREATE INDEX inbox_conv ON inbox (conv, status, seq);
            CREATE INDEX inbox_msgid ON inbox (nim_msgid) WHERE nim_msgid IS NOT NULL;
            CREATE TABLE hosted_file (
                url TEXT PRIMARY KEY,
                new_url TEXT NOT NULL,
                md5 TEXT NOT NULL,
                size INTEGER NOT NULL
            );
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                msgid_server TEXT NOT NULL UNIQUE,
                body BLOB NOT NULL,
                rest INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                status INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_at INTEGER NOT NULL DEFAULT 0,
                reason TEXT,
                settled_at INTEGER
            );
            CREATE INDEX outbox_status ON outbox (status, id);
            """)
        // The old server's events (SPEC §7 `/old/events`), the owners serve knows, and what the
        // inbox needs for recalls (NIM's timetag) and for waiting on a dependency.
        migrator.registerSQL(
            "serve-v2-events",
            """
            CREATE TABLE event (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                time INTEGER NOT NULL,
                scope TEXT NOT NULL,
                body TEXT NOT NULL,
                target_key TEXT,
                received_at INTEGER NOT NULL,
                status INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_at INTEGER NOT NULL DEFAULT 0,
                waiting INTEGER NOT NULL DEFAULT 0,
                progress TEXT,
                nim_msgid INTEGER,
                reason TEXT,
                settled_at INTEGER
            );
            CREATE INDEX event_status ON event (status, scope, time, seq);
            CREATE INDEX event_target ON event (target_key) WHERE target_key IS NOT NULL;
            CREATE INDEX event_recall ON event (nim_msgid) WHERE nim_msgid IS NOT NULL;
            CREATE TABLE team_owner (tid TEXT PRIMARY KEY, owner TEXT NOT NULL);
            ALTER TABLE inbox ADD COLUMN nim_timetag INTEGER;
            ALTER TABLE inbox ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
            """)
        // Old user ids folded in the keys stored before serve folded them (ServeStore+FoldedIDs).
        migrator.registerMigration("serve-v3-folded-user-ids") { db in try foldUserIDs(db) }
        // How often each message and event failed for good, kept across POST /failed/retry: the
        // failure counters of /metrics (a retried row that fails again counts again).
        migrator.registerSQL(
            "serve-v4-failure-counts",
            """
            ALTER TABLE inbox ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE event ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
            UPDATE inbox SET failures = 1 WHERE status = \(InboxStatus.failed.sql);
            UPDATE event SET failures = 1 WHERE status = \(EventStatus.failed.sql);
            CREATE INDEX inbox_failures ON inbox (failures) WHERE failures > 0;
            CREATE INDEX event_failures ON event (failures) WHERE failures > 0;
            """)
        return migrator
    }

    // MARK: Health

    /// The figures of `/healthz` (and of `/metrics`, read the same way).
    struct Health: Sendable, Equatable {
        /// Old → NIM messages not yet sent (pending or in flight).
        var inboxQueued: Int
        /// NIM CC messages not yet forwarded to the old server.
        var outboxQueued: Int
        var oldestUnsentMs: Int64
        var sent: Int
        var forwarded: Int
        /// Messages failed for good.
        var failed: Int
        /// Events not yet applied (pending or in work).
        var eventsQueued = 0
        var eventsApplied = 0
        /// Events that can never apply (listed by `/failed`).
        var eventsFailed = 0
        /// Both directions and the events: `queued` of `/healthz`.
        var queued: Int { inboxQueued + outboxQueued + eventsQueued }
    }

    /// Queue depths and counts at `now` (ms).
    func health(now: Int64) async throws -> Health {
        try await pool.read { db in try Self.health(db, now: now) }
    }

    /// ``health(now:)`` inside a read the caller already has.
    static func health(_ db: Database, now: Int64) throws -> Health {
        let inbox = try Row.fetchOne(
            db,
            sql: """
                SELECT count(*) AS n, min(received_at) AS oldest FROM inbox WHERE status IN \(InboxStatus.open)
                """)
        let outbox = try Row.fetchOne(
            db,
            sql:
                "SELECT count(*) AS n, min(received_at) AS oldest FROM outbox WHERE status = \(OutboxStatus.pending.sql)"
        )
        let sent = try Int.fetchOne(db, sql: "SELECT count(*) FROM inbox WHERE status = \(InboxStatus.sent.sql)") ?? 0
        let failed =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM inbox WHERE status = \(InboxStatus.failed.sql)") ?? 0
        let forwarded =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE status = \(OutboxStatus.forwarded.sql)") ?? 0
        let events = try Row.fetchOne(
            db,
            sql: """
                SELECT sum(status IN \(EventStatus.open)) AS queued, sum(status = \(EventStatus.applied.sql)) AS applied,
                sum(status = \(EventStatus.failed.sql)) AS failed,
                min(CASE WHEN status IN \(EventStatus.open) THEN received_at END) AS oldest FROM event
                """)
        let oldest = [inbox?["oldest"] as Int64?, outbox?["oldest"] as Int64?, events?["oldest"] as Int64?]
            .compactMap { $0 }.min()
        return Health(
            inboxQueued: inbox?["n"] ?? 0, outboxQueued: outbox?["n"] ?? 0,
            oldestUnsentMs: oldest.map { max(0, now - $0) } ?? 0, sent: sent, forwarded: forwarded, failed: failed,
            eventsQueued: events?["queued"] ?? 0, eventsApplied: events?["applied"] ?? 0,
            eventsFailed: events?["failed"] ?? 0)
    }
}
