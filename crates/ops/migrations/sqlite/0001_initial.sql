-- Scenarios (versioned), runs and the operations log. Times are RFC 3339 UTC
-- text; JSON is stored as text (the same in both backends).
CREATE TABLE scenarios (
    name        TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    toml        TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario    TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    params      TEXT    NOT NULL,
    result      TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    FOREIGN KEY (scenario, version) REFERENCES scenarios (name, version)
);
CREATE INDEX runs_by_scenario ON runs (scenario, id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario    TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    note        TEXT
);
CREATE INDEX events_by_scenario ON events (scenario, id);
CREATE INDEX events_by_subject ON events (scenario, subject);
