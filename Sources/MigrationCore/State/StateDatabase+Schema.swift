internal import GRDB

extension StateDatabase {
    /// Schema migrations, registered by id. Never edit one that has shipped: add another.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerSQL(
            "v1-foundation",
            """
            CREATE TABLE run (
                id INTEGER PRIMARY KEY,
                mode TEXT NOT NULL,
                options TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                ended_at INTEGER,
                outcome TEXT
            );
            CREATE TABLE stage_run (
                run_id INTEGER NOT NULL REFERENCES run(id),
                stage TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                ended_at INTEGER,
                status TEXT NOT NULL,
                PRIMARY KEY (run_id, stage)
            );
            CREATE TABLE work_item (
                id INTEGER PRIMARY KEY,
                stage TEXT NOT NULL,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT,
                source_file TEXT,
                source_line INTEGER,
                status INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                error_code INTEGER,
                error_desc TEXT,
                retryable INTEGER,
                progress TEXT,
                result TEXT,
                updated_at INTEGER NOT NULL DEFAULT 0,
                UNIQUE (stage, key)
            );
            CREATE INDEX work_item_by_status ON work_item (stage, status, id);
            CREATE TABLE id_map (
                kind TEXT NOT NULL,
                old TEXT NOT NULL,
                new TEXT NOT NULL,
                PRIMARY KEY (kind, old)
            ) WITHOUT ROWID;
            CREATE TABLE problem (
                id INTEGER PRIMARY KEY,
                stage TEXT NOT NULL,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                code TEXT NOT NULL,
                message TEXT NOT NULL,
                severity TEXT NOT NULL,
                UNIQUE (stage, file, line, code)
            );
            CREATE TABLE call_stat (
                run_id INTEGER NOT NULL,
                stage TEXT NOT NULL,
                endpoint TEXT NOT NULL,
                calls INTEGER NOT NULL DEFAULT 0,
                retries INTEGER NOT NULL DEFAULT 0,
                throttled INTEGER NOT NULL DEFAULT 0,
                failures INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (run_id, stage, endpoint)
            );
            CREATE TABLE checkpoint (
                stage TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (stage, key)
            ) WITHOUT ROWID;
            """)
        migrator.registerSQL(
            "v2-source-users",
            """
            CREATE TABLE source_user (
                original TEXT PRIMARY KEY,
                folded TEXT NOT NULL,
                nim TEXT NOT NULL,
                status INTEGER NOT NULL,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                payload TEXT
            ) WITHOUT ROWID;
            CREATE INDEX source_user_by_folded ON source_user (folded);
            CREATE INDEX source_user_by_nim ON source_user (nim);
            """)
        migrator.registerSQL(
            "v3-history",
            """
            CREATE TABLE history_key (
                key TEXT PRIMARY KEY,
                location TEXT NOT NULL,
                hash INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE plan_history_key (
                key TEXT PRIMARY KEY,
                location TEXT NOT NULL,
                hash INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
        migrator.registerSQL(
            "v4-files",
            """
            CREATE TABLE file_content (
                sha256 TEXT PRIMARY KEY,
                url TEXT,
                md5 TEXT,
                size INTEGER
            ) WITHOUT ROWID;
            """)
        migrator.registerSQL(
            "v5-sessions",
            """
            CREATE TABLE session (
                owner TEXT NOT NULL,
                type INTEGER NOT NULL,
                target TEXT NOT NULL,
                update_time INTEGER NOT NULL,
                last_msg TEXT,
                count INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (owner, type, target)
            ) WITHOUT ROWID;
            CREATE TABLE team_activity (
                tid TEXT PRIMARY KEY,
                update_time INTEGER NOT NULL,
                last_msg TEXT,
                count INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            """)
        // The history keys as one block of sorted records per chunk (``HistoryKeyStore``).
        migrator.registerSQL(
            "v6-history-key-blocks",
            """
            DROP TABLE history_key;
            DROP TABLE plan_history_key;
            CREATE TABLE history_key_blocks (
                id INTEGER PRIMARY KEY,
                min_time INTEGER NOT NULL,
                max_time INTEGER NOT NULL,
                count INTEGER NOT NULL,
                keys BLOB NOT NULL
            );
            CREATE TABLE plan_history_key_blocks (
                id INTEGER PRIMARY KEY,
                min_time INTEGER NOT NULL,
                max_time INTEGER NOT NULL,
                count INTEGER NOT NULL,
                keys BLOB NOT NULL
            );
            """)
        // Per-file element accounts (SPEC §9), and problems a dry run found that a run re-derives.
        migrator.registerSQL(
            "v7-element-accounts",
            """
            CREATE TABLE element_account (
                layer TEXT NOT NULL,
                file TEXT NOT NULL,
                read INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                merged INTEGER NOT NULL,
                reported INTEGER NOT NULL,
                PRIMARY KEY (layer, file)
            ) WITHOUT ROWID;
            ALTER TABLE problem ADD COLUMN dry_run INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX problem_by_code ON problem (dry_run, code, id);
            """)
        // Pauses of a run while the target did not answer (SPEC §5 "The run, not the item").
        migrator.registerSQL(
            "v8-target-pauses",
            """
            CREATE TABLE target_pause (
                started_at INTEGER PRIMARY KEY,
                cause TEXT NOT NULL,
                seconds REAL,
                outcome TEXT NOT NULL
            );
            """)
        // The re-hosting record read by old URL (``StateDatabase/hostedFile(old:)``): id map → content.
        migrator.registerSQL(
            "v9-file-content-by-url", "CREATE INDEX file_content_url ON file_content (url) WHERE url IS NOT NULL")
        // The accepted accounts read back in source order (``forEachAcceptedUser``): without it every
        // page of 5,000 sorted the whole table, and registering a million accounts took minutes.
        migrator.registerSQL(
            "v10-source-user-by-line", "CREATE INDEX source_user_by_line ON source_user (file, line)")
        return migrator
    }
}
