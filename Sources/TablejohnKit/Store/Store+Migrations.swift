// Schema migrations. Shipped migrations are frozen: change the schema with a new one.
import GRDB

extension Store {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 commits, refs, runs, queue") { db in
            try db.execute(sql: """
                -- One row per commit. Dates are Unix seconds with the UTC offset in minutes.
                -- reachable: 0 = from no ref, 1 = from some ref, 2 = from a tracked ref.
                CREATE TABLE commits (
                    id INTEGER PRIMARY KEY,
                    hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 40),
                    author_name TEXT NOT NULL,
                    author_email TEXT NOT NULL,
                    author_time INTEGER NOT NULL,
                    author_offset INTEGER NOT NULL,
                    committer_name TEXT NOT NULL,
                    committer_email TEXT NOT NULL,
                    committer_time INTEGER NOT NULL,
                    committer_offset INTEGER NOT NULL,
                    message TEXT NOT NULL,
                    reachable INTEGER NOT NULL DEFAULT 0 CHECK (reachable IN (0, 1, 2))
                ) STRICT;

                -- Parent edges; position 0 is the first parent.
                CREATE TABLE commit_parents (
                    child INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    parent INTEGER NOT NULL REFERENCES commits(id),
                    PRIMARY KEY (child, position)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX commit_parents_parent ON commit_parents(parent);

                CREATE TABLE refs (
                    name TEXT PRIMARY KEY,
                    commit_id INTEGER NOT NULL REFERENCES commits(id),
                    tracked INTEGER NOT NULL DEFAULT 0 CHECK (tracked IN (0, 1))
                ) STRICT;

                CREATE TABLE metrics (
                    name TEXT PRIMARY KEY,
                    unit TEXT,
                    direction TEXT NOT NULL DEFAULT 'neutral'
                        CHECK (direction IN ('lower', 'higher', 'neutral'))
                ) STRICT;

                -- Times are Unix milliseconds. fingerprint is a JSON object.
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY,
                    commit_id INTEGER NOT NULL REFERENCES commits(id),
                    bench_method TEXT NOT NULL,
                    runner_name TEXT,
                    runner_fingerprint TEXT,
                    start_time INTEGER NOT NULL,
                    end_time INTEGER NOT NULL,
                    exit_code INTEGER NOT NULL,
                    origin TEXT NOT NULL CHECK (origin IN ('runner', 'import'))
                ) STRICT;
                CREATE INDEX runs_commit ON runs(commit_id);
                CREATE INDEX runs_start ON runs(start_time);

                -- samples is a JSON array of numbers when the source gave raw samples.
                CREATE TABLE measurements (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    metric TEXT NOT NULL REFERENCES metrics(name),
                    value REAL NOT NULL,
                    unit TEXT,
                    samples TEXT,
                    lower REAL,
                    upper REAL,
                    PRIMARY KEY (run_id, metric)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX measurements_metric ON measurements(metric);

                CREATE TABLE run_output (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    line INTEGER NOT NULL,
                    source TEXT NOT NULL CHECK (source IN ('stdout', 'stderr', 'internal')),
                    text TEXT NOT NULL,
                    PRIMARY KEY (run_id, line)
                ) STRICT, WITHOUT ROWID;

                -- added is Unix milliseconds.
                CREATE TABLE queue (
                    commit_id INTEGER PRIMARY KEY REFERENCES commits(id) ON DELETE CASCADE,
                    priority INTEGER NOT NULL DEFAULT 0,
                    added INTEGER NOT NULL
                ) STRICT;

                -- Facts about this instance, such as whether the HEAD branch was tracked by default.
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                ) STRICT;
                """)
        }
        // Run listings are ordered by (start_time, id); with both in the index a page of
        // the newest runs reads only its own rows instead of sorting every run.
        migrator.registerMigration("v2 runs ordered by start and id") { db in
            try db.execute(sql: """
                DROP INDEX runs_start;
                CREATE INDEX runs_start_id ON runs(start_time, id);
                """)
        }
        // Runners allowed to use the runner API. Only a SHA-256 of each token is kept.
        migrator.registerMigration("v3 runners") { db in
            try db.execute(sql: """
                CREATE TABLE runners (
                    name TEXT PRIMARY KEY,
                    token_sha256 BLOB NOT NULL,
                    created INTEGER NOT NULL,     -- Unix milliseconds
                    last_seen INTEGER,            -- Unix milliseconds of its last status call
                    fingerprint TEXT              -- JSON, as it last reported it
                ) STRICT;
                """)
        }
        // Web logins. Passwords are kept as bcrypt hashes; sessions by the SHA-256 of their
        // cookie token, so a copy of the database opens no session.
        migrator.registerMigration("v4 users and sessions") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    name TEXT PRIMARY KEY,
                    password_hash TEXT NOT NULL,  -- bcrypt, $2b$…
                    admin INTEGER NOT NULL CHECK (admin IN (0, 1)),
                    created INTEGER NOT NULL      -- Unix milliseconds
                ) STRICT;

                CREATE TABLE sessions (
                    token_sha256 BLOB PRIMARY KEY,
                    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    created INTEGER NOT NULL,     -- Unix milliseconds
                    expires INTEGER NOT NULL      -- Unix milliseconds
                ) STRICT;
                CREATE INDEX sessions_user ON sessions(user);
                """)
        }
        // Changes found in tracked refs' histories, and the webhook deliveries of confirmed regressions.
        migrator.registerMigration("v5 detected changes") { db in
            try db.execute(sql: """
                -- One step in one metric's series on one machine along a tracked ref's first-parent history.
                -- low_commit is the last commit known at the old level, high_commit the first known at the new one;
                -- bisection narrows them until high_commit's first parent is low_commit.
                CREATE TABLE changes (
                    id INTEGER PRIMARY KEY,
                    ref TEXT NOT NULL,
                    metric TEXT NOT NULL REFERENCES metrics(name),
                    fingerprint TEXT NOT NULL,        -- the runs' runner fingerprint (JSON), '' for none
                    runner_name TEXT,
                    low_commit INTEGER NOT NULL REFERENCES commits(id),
                    high_commit INTEGER NOT NULL REFERENCES commits(id),
                    before REAL NOT NULL,
                    after REAL NOT NULL,
                    magnitude REAL NOT NULL,          -- (after - before) / |before|
                    direction TEXT NOT NULL CHECK (direction IN ('regression', 'improvement', 'neutral')),
                    confidence REAL NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('bisecting', 'confirming', 'confirmed', 'unconfirmed', 'detected')),
                    requeues INTEGER NOT NULL DEFAULT 0,  -- commits queued for it so far
                    detected INTEGER NOT NULL,        -- Unix milliseconds
                    updated INTEGER NOT NULL,
                    acked INTEGER                     -- Unix milliseconds, when someone acknowledged it
                ) STRICT;
                CREATE INDEX changes_high ON changes(high_commit);
                CREATE INDEX changes_detected ON changes(detected);

                CREATE TABLE hook_deliveries (
                    change_id INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
                    url TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt INTEGER NOT NULL,    -- Unix milliseconds
                    delivered INTEGER,                -- Unix milliseconds, nil until a 2xx answer
                    last_error TEXT,
                    PRIMARY KEY (change_id, url)
                ) STRICT;
                """)
        }
        // What the graph's in-memory series need to stay current without re-reading a
        // metric after every write: a journal of inserted runs (appended to cached series),
        // and an epoch that any other change to what a series shows moves (deleted or
        // changed runs and measurements, reachability or time of measured commits, metric
        // headers), after which cached series are read again. Triggers keep both, whoever writes.
        migrator.registerMigration("v6 series journal") { db in
            try db.execute(sql: """
                CREATE TABLE series_journal (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL
                ) STRICT;
                CREATE TABLE series_epoch (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    value INTEGER NOT NULL
                ) STRICT;
                INSERT INTO series_epoch (id, value) VALUES (1, 0);

                -- The journal keeps the last \(seriesJournalLength) inserted runs; a reader further behind reads again.
                CREATE TRIGGER series_run_inserted AFTER INSERT ON runs BEGIN
                    INSERT INTO series_journal (run_id) VALUES (NEW.id);
                    DELETE FROM series_journal WHERE seq <= (SELECT max(seq) FROM series_journal) - \(seriesJournalLength);
                END;
                CREATE TRIGGER series_run_deleted AFTER DELETE ON runs BEGIN
                    UPDATE series_epoch SET value = value + 1;
                END;
                CREATE TRIGGER series_run_updated AFTER UPDATE ON runs BEGIN
                    UPDATE series_epoch SET value = value + 1;
                END;
                CREATE TRIGGER series_measurement_deleted AFTER DELETE ON measurements
                WHEN EXISTS (SELECT 1 FROM runs WHERE id = OLD.run_id) BEGIN
                    UPDATE series_epoch SET value = value + 1;
                END;
                CREATE TRIGGER series_measurement_updated AFTER UPDATE ON measurements BEGIN
                    UPDATE series_epoch SET value = value + 1;
                END;
                -- Measurements are written with their run; one added to a run journaled earlier
                -- (not a path tablejohn takes) makes readers read again.
                CREATE TRIGGER series_measurement_added_late AFTER INSERT ON measurements
                WHEN NEW.run_id IS NOT (SELECT run_id FROM series_journal ORDER BY seq DESC LIMIT 1) BEGIN
                    UPDATE series_epoch SET value = value + 1;
                END;
                CREATE TRIGGER series_reachability_changed AFTER UPDATE OF reachable ON commits
                WHEN OLD.reachable IS NOT NEW.reachable AND EXISTS (SELECT 1 FROM runs WHERE commit_id = NEW.id) BEGIN
                    UPDATE series_epoch SET value = value + 1;
                END;
                CREATE TRIGGER series_commit_time_changed AFTER UPDATE OF committer_time ON commits
                WHEN OLD.committer_time IS NOT NEW.committer_time AND EXISTS (SELECT 1 FROM runs WHERE commit_id = NEW.id) BEGIN
                    UPDATE series_epoch SET value = value + 1;
                END;
                CREATE TRIGGER series_metric_changed AFTER UPDATE ON metrics BEGIN
                    UPDATE series_epoch SET value = value + 1;
                END;
                """)
        }
        // What could have skewed each run, as its runner reported it (RunConditions' JSON).
        migrator.registerMigration("v7 run conditions") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN conditions TEXT")
        }
        // Bisection and confirmation runs wait for the machine of their change's series
        // (MachineAffinity); a change keeps the evidence of its re-runs (ConfirmationEvidence)
        // and when it was found unconfirmable on its machine (AffinityRelease).
        migrator.registerMigration("v8 machine affinity and confirmation evidence") { db in
            try db.execute(sql: """
                ALTER TABLE queue ADD COLUMN affinity_fingerprint TEXT;  -- runs.runner_fingerprint of the machine; '' for none
                ALTER TABLE queue ADD COLUMN affinity_runner TEXT;       -- its runner name
                ALTER TABLE queue ADD COLUMN affinity_since INTEGER;     -- Unix milliseconds, when the entry was pinned
                ALTER TABLE changes ADD COLUMN confirm_parent_runs INTEGER;
                ALTER TABLE changes ADD COLUMN confirm_commit_runs INTEGER;
                ALTER TABLE changes ADD COLUMN confirm_p REAL;
                ALTER TABLE changes ADD COLUMN confirm_change REAL;
                ALTER TABLE changes ADD COLUMN unconfirmable INTEGER;    -- Unix milliseconds, when its machine's entries were released
                """)
        }
        return migrator
    }

    /// Inserted runs the series journal remembers.
    static let seriesJournalLength = 100_000
}
