//! The store: one code path over SQLite and PostgreSQL (sqlx's `Any` driver).
//! Dialect differences live in the two migration directories (same numbered
//! versions) and in how a writing transaction takes its lock.

use std::sync::Once;
use std::time::Duration;

use chrono::{Timelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Connection, Row};

use crate::error::StoreError;
use crate::event::{At, EventKind, LoggedEvent, NewEvent, content_key, format_at, parse_at};
use crate::validate::validate;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a writer waits for SQLite's write lock held by another process.
const SQLITE_BUSY_MS: u32 = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A stored scenario version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub name: String,
    pub version: i64,
    /// SHA-256 of the TOML text, hex.
    pub sha256: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub recorded_by: String,
}

/// A run to store: its parameters and result as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRun {
    pub scenario: String,
    pub version: i64,
    /// `simulate`, `whatif` or `plan`.
    pub kind: String,
    pub params: serde_json::Value,
    pub result: serde_json::Value,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRef {
    pub id: i64,
    pub scenario: String,
    pub version: i64,
    pub kind: String,
    pub created_at: String,
    pub recorded_by: String,
}

/// The shared store. Cloning is cheap (the pool is shared).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Now, to the second (as stored).
fn now_at() -> At {
    let t = Utc::now();
    t.with_nanosecond(0).unwrap_or(t)
}

fn now() -> String {
    format_at(now_at())
}

/// `sqlite:PATH`, `sqlite://PATH`, a plain PATH, or `postgres://…`/`postgresql://…`
/// → (backend, the URL sqlx understands).
fn resolve(url: &str) -> Result<(Backend, String), StoreError> {
    let open_err = |reason: &'static str| StoreError::BadUrl { url: redact(url), reason };
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if path.is_empty() {
        return Err(open_err("no file name given"));
    }
    if path.contains("://") {
        return Err(open_err("unsupported kind of database; use a file path, sqlite:PATH or postgres://USER@HOST/DB"));
    }
    if path == ":memory:" {
        return Err(open_err("give the store a file path"));
    }
    Ok((Backend::Sqlite, format!("sqlite:{}?mode=rwc", encode_path(path))))
}

/// A file path as the path of a `sqlite:` URL: every byte but letters,
/// digits, `-`, `.`, `_`, `~` and `/` percent-encoded, so that sqlx, which
/// decodes it, opens the file named, literally (`my%20ops.db` is a file of
/// that name, not `my ops.db`; spaces, `?` and `#` are part of the name).
fn encode_path(path: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');
    let encoded = utf8_percent_encode(path, KEEP).to_string();
    // sqlx strips a leading `//` (as of `sqlite://`): keep a path's own.
    if encoded.starts_with("//") { format!("//{encoded}") } else { encoded }
}

impl Store {
    /// Opens (creating a SQLite file on first use) and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let (backend, sqlx_url) = resolve(url)?;
        let shown = redact(url);
        let open_err = |e: sqlx::Error| StoreError::Open { url: shown.clone(), hint: hint(backend, &e), source: e };
        let opts: AnyConnectOptions = sqlx_url.parse().map_err(open_err)?;

        // One connection first: it fails at once (no pool retries) when the
        // server is unreachable or the file is not a database, then migrates.
        let mut first = AnyConnection::connect_with(&opts).await.map_err(open_err)?;
        match backend {
            Backend::Sqlite => {
                // Wait for other processes opening the same file, rather than fail.
                sqlx::query(&format!("PRAGMA busy_timeout = {SQLITE_BUSY_MS}"))
                    .execute(&mut first)
                    .await
                    .map_err(open_err)?;
                // WAL is a property of the file: set once, kept by every later connection.
                sqlx::query("PRAGMA journal_mode = WAL").execute(&mut first).await.map_err(open_err)?;
                // The migrations under the write lock, taken before sqlx reads
                // which are applied: two processes creating one new store apply
                // each migration once (sqlx's own transactions nest as savepoints).
                let mut tx = first.begin_with("BEGIN IMMEDIATE").await.map_err(open_err)?;
                SQLITE_MIGRATIONS.run(&mut *tx).await?;
                backfill_keys(&mut tx).await?;
                tx.commit().await?;
            }
            Backend::Postgres => {
                // sqlx holds a session advisory lock while it migrates.
                POSTGRES_MIGRATIONS.run(&mut first).await?;
                let mut tx = first.begin().await?;
                sqlx::query("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
                backfill_keys(&mut tx).await?;
                tx.commit().await?;
            }
        }
        first.close().await.map_err(open_err)?;

        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 10 })
            .acquire_timeout(Duration::from_secs(60))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        sqlx::query(&format!("PRAGMA busy_timeout = {SQLITE_BUSY_MS}")).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_lazy_with(opts);
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction that holds the store's write lock for `table` from its
    /// start, so that a check and the insert it guards are atomic with
    /// respect to every other writer (in this process or another).
    async fn write_tx(&self, table: &str) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        match self.backend {
            // IMMEDIATE takes SQLite's single write lock now (waiting up to the
            // busy timeout), rather than failing at the first write.
            Backend::Sqlite => Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                // Conflicts with itself, not with readers.
                sqlx::query(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")).execute(&mut *tx).await?;
                Ok(tx)
            }
        }
    }

    /// Stores a scenario's text under `name`: new text gets the next version;
    /// text identical to the latest version returns that version.
    pub async fn put_scenario(&self, name: &str, toml: &str, recorded_by: &str) -> Result<ScenarioRef, StoreError> {
        let mut tx = self.write_tx("scenarios").await?;
        let r = put_scenario_in(&mut tx, name, toml, recorded_by).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// A scenario's text: the given version, or the latest.
    pub async fn scenario(
        &self,
        name: &str,
        version: Option<i64>,
    ) -> Result<Option<(ScenarioRef, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT name, version, sha256, created_at, recorded_by, toml FROM scenarios \
             WHERE name = $1 AND ($2 < 0 OR version = $2) ORDER BY version DESC LIMIT 1",
        )
        .bind(name)
        .bind(version.unwrap_or(-1))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((scenario_ref(&r)?, r.try_get("toml")?))).transpose()
    }

    /// The latest version of every scenario, by name.
    pub async fn scenarios(&self) -> Result<Vec<ScenarioRef>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, version, sha256, created_at, recorded_by FROM scenarios s \
             WHERE version = (SELECT MAX(version) FROM scenarios t WHERE t.name = s.name) ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(scenario_ref).collect()
    }

    /// Stores a run of a stored scenario version.
    pub async fn put_run(&self, run: &NewRun) -> Result<RunRef, StoreError> {
        crate::validate::check_text("recorded_by", &run.recorded_by, 200)?;
        crate::validate::check_text("kind", &run.kind, 32)?;
        if self.scenario(&run.scenario, Some(run.version)).await?.is_none() {
            return Err(StoreError::NotFound { what: format!("scenario `{}` version {}", run.scenario, run.version) });
        }
        let created_at = now();
        let row = sqlx::query(
            "INSERT INTO runs (scenario, version, kind, params, result, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&run.scenario)
        .bind(run.version)
        .bind(&run.kind)
        .bind(run.params.to_string())
        .bind(run.result.to_string())
        .bind(&run.recorded_by)
        .bind(&created_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(RunRef {
            id: row.try_get("id")?,
            scenario: run.scenario.clone(),
            version: run.version,
            kind: run.kind.clone(),
            created_at,
            recorded_by: run.recorded_by.clone(),
        })
    }

    /// The latest `limit` runs of a scenario (any version), newest first.
    pub async fn runs(&self, scenario: &str, limit: i64) -> Result<Vec<RunRef>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, scenario, version, kind, created_at, recorded_by FROM runs WHERE scenario = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(scenario)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(run_ref).collect()
    }

    /// One run and its result (JSON text).
    pub async fn run(&self, id: i64) -> Result<Option<(RunRef, String)>, StoreError> {
        let row =
            sqlx::query("SELECT id, scenario, version, kind, created_at, recorded_by, result FROM runs WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| Ok((run_ref(&r)?, r.try_get("result")?))).transpose()
    }

    /// Logs `ev` (see `submit`), without storing the scenario's text. An
    /// event already logged (the same key, the same event) is refused here,
    /// naming the logged one (`submit` reports it as `Recorded::Already`).
    pub async fn record(
        &self,
        scenario_name: &str,
        scenario: &drawdown_model::Scenario,
        ev: &NewEvent,
    ) -> Result<LoggedEvent, StoreError> {
        self.write(scenario_name, scenario, None, ev, true).await.map(Recorded::into_event)
    }

    /// Validates `ev` against the scenario and the whole log of
    /// `scenario_name` (the rules of its subject, and the consistency of the
    /// log with it added: `consistency.rs`) and logs it, in one transaction
    /// holding the write lock, so two writers never both pass a check that
    /// only one may pass. `scenario_text`, if given, is stored (versioned)
    /// first in the same transaction, so an event is never logged without
    /// the text of its scenario.
    ///
    /// The event's identity is its `key`, else its content key: an event
    /// whose key is logged already is `Recorded::Already` (nothing written
    /// but the scenario's text) when it is the same event (kind, fields and
    /// time), and refused when it is another. Invalid:
    /// `StoreError::Invalid`, nothing written.
    pub async fn submit(
        &self,
        scenario_name: &str,
        scenario: &drawdown_model::Scenario,
        scenario_text: Option<&str>,
        ev: &NewEvent,
    ) -> Result<Recorded, StoreError> {
        self.write(scenario_name, scenario, scenario_text, ev, false).await
    }

    /// `submit`; `strict`: an event already logged is refused (by the rule
    /// of its subject it breaks again, as a second departure of one convoy,
    /// else as already logged) rather than reported.
    async fn write(
        &self,
        scenario_name: &str,
        scenario: &drawdown_model::Scenario,
        scenario_text: Option<&str>,
        ev: &NewEvent,
        strict: bool,
    ) -> Result<Recorded, StoreError> {
        let at = crate::event::parse_at(&ev.at)?;
        let key = match &ev.key {
            Some(k) => {
                crate::validate::check_text("key", k, MAX_KEY)?;
                k.trim().to_string()
            }
            None => content_key(&ev.kind, at),
        };
        let mut tx = self.write_tx("events").await?;
        if let Some(text) = scenario_text {
            if self.backend == Backend::Postgres {
                sqlx::query("LOCK TABLE scenarios IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
            }
            put_scenario_in(&mut tx, scenario_name, text, ev.recorded_by.trim()).await?;
        }
        let same_key =
            sqlx::query(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE scenario = $1 AND event_key = $2"))
                .bind(scenario_name)
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| logged(&r))
                .transpose()?;
        if let Some(e) = same_key {
            if e.kind == ev.kind && e.at == at && strict {
                let rows = sqlx::query(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE scenario = $1 ORDER BY id"))
                    .bind(scenario_name)
                    .fetch_all(&mut *tx)
                    .await?;
                let prior = rows.iter().map(logged).collect::<Result<Vec<_>, _>>()?;
                validate(scenario, &prior, ev)?;
                return Err(StoreError::Invalid(
                    crate::error::Rejection::error("key", format!("this event is already logged, as #{}", e.id)).hint(
                        format!(
                            "{} {} at {}; the same event is logged once",
                            e.kind.name(),
                            e.kind.describe(),
                            format_at(e.at)
                        ),
                    ),
                ));
            }
            if e.kind == ev.kind && e.at == at {
                tx.commit().await?;
                return Ok(Recorded::Already(e));
            }
            return Err(StoreError::Invalid(
                crate::error::Rejection::error("key", format!("`{key}` is the key of another event, #{}", e.id)).hint(
                    format!(
                        "#{} is {} {} at {}; give this event a key of its own",
                        e.id,
                        e.kind.name(),
                        e.kind.describe(),
                        format_at(e.at)
                    ),
                ),
            ));
        }
        let rows = sqlx::query(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE scenario = $1 ORDER BY id"))
            .bind(scenario_name)
            .fetch_all(&mut *tx)
            .await?;
        let prior = rows.iter().map(logged).collect::<Result<Vec<_>, _>>()?;
        let at = validate(scenario, &prior, ev)?;
        let recorded_at = now_at();
        let mut event = LoggedEvent {
            // Not yet known: after every logged event.
            id: i64::MAX,
            key,
            scenario: scenario_name.to_string(),
            at,
            kind: ev.kind.clone(),
            recorded_by: ev.recorded_by.trim().to_string(),
            recorded_at,
            note: ev.note.clone(),
        };
        crate::consistency::check(scenario, &prior, &event)?;
        let body = serde_json::to_string(&ev.kind).expect("an event serialises");
        let row = sqlx::query(
            "INSERT INTO events (scenario, at, kind, subject, body, recorded_by, recorded_at, note, event_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(scenario_name)
        .bind(format_at(at))
        .bind(ev.kind.name())
        .bind(ev.kind.subject())
        .bind(&body)
        .bind(&event.recorded_by)
        .bind(format_at(recorded_at))
        .bind(ev.note.as_deref())
        .bind(&event.key)
        .fetch_one(&mut *tx)
        .await?;
        event.id = row.try_get("id")?;
        tx.commit().await?;
        Ok(Recorded::New(event))
    }

    /// Events of a scenario in the order they were recorded, after `after_id`.
    pub async fn events(
        &self,
        scenario_name: &str,
        after_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE scenario = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(scenario_name)
        .bind(after_id.unwrap_or(0))
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(logged).collect()
    }

    pub async fn count_events(&self, scenario_name: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM events WHERE scenario = $1")
            .bind(scenario_name)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Closes the pool, waiting for connections to finish (SQLite then
    /// checkpoints its write-ahead log).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

const EVENT_COLUMNS: &str = "id, event_key, scenario, at, body, recorded_by, recorded_at, note";

/// Longest accepted event key.
const MAX_KEY: usize = 128;

/// What `submit` did with an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// Logged now.
    New(LoggedEvent),
    /// Logged before (the same key and the same event): nothing stored.
    Already(LoggedEvent),
}

impl Recorded {
    pub fn into_event(self) -> LoggedEvent {
        match self {
            Recorded::New(e) | Recorded::Already(e) => e,
        }
    }
}

/// `put_scenario` inside a writing transaction.
async fn put_scenario_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    name: &str,
    toml: &str,
    recorded_by: &str,
) -> Result<ScenarioRef, StoreError> {
    crate::validate::check_text("name", name, 64)?;
    crate::validate::check_text("recorded_by", recorded_by, 200)?;
    let sha256 = hex(&Sha256::digest(toml.as_bytes()));
    let latest = sqlx::query("SELECT name, version, sha256, created_at, recorded_by FROM scenarios WHERE name = $1 ORDER BY version DESC LIMIT 1")
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| scenario_ref(&r))
        .transpose()?;
    if let Some(l) = latest.as_ref().filter(|l| l.sha256 == sha256) {
        return Ok(l.clone());
    }
    let r = ScenarioRef {
        name: name.to_string(),
        version: latest.map_or(1, |l| l.version + 1),
        sha256,
        created_at: now(),
        recorded_by: recorded_by.to_string(),
    };
    sqlx::query(
        "INSERT INTO scenarios (name, version, sha256, toml, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&r.name)
    .bind(r.version)
    .bind(&r.sha256)
    .bind(toml)
    .bind(&r.recorded_by)
    .bind(&r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(r)
}

/// Gives the events logged before keys existed their content key (the
/// second and later of identical events get `#ID` appended, so the earlier
/// log stays as it was). Runs under the write lock, when the store is opened.
async fn backfill_keys(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let rows = sqlx::query("SELECT id, scenario, at, body FROM events WHERE event_key IS NULL ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let scenario: String = r.try_get("scenario")?;
        let body: String = r.try_get("body")?;
        let at: String = r.try_get("at")?;
        let kind: EventKind =
            serde_json::from_str(&body).map_err(|e| StoreError::Corrupt { id, what: format!("its body: {e}") })?;
        let at =
            parse_at(&at).map_err(|_| StoreError::Corrupt { id, what: format!("its `at` `{at}` is not a time") })?;
        let key = content_key(&kind, at);
        let taken = sqlx::query("SELECT id FROM events WHERE scenario = $1 AND event_key = $2")
            .bind(&scenario)
            .bind(&key)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
        let key = if taken { format!("{key}#{id}") } else { key };
        sqlx::query("UPDATE events SET event_key = $1 WHERE id = $2").bind(&key).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

fn logged(r: &AnyRow) -> Result<LoggedEvent, StoreError> {
    let id: i64 = r.try_get("id")?;
    let body: String = r.try_get("body")?;
    let kind: EventKind =
        serde_json::from_str(&body).map_err(|e| StoreError::Corrupt { id, what: format!("its body: {e}") })?;
    let time = |column: &str| -> Result<At, StoreError> {
        let text: String = r.try_get(column)?;
        parse_at(&text).map_err(|_| StoreError::Corrupt { id, what: format!("its `{column}` `{text}` is not a time") })
    };
    let key: Option<String> = r.try_get("event_key")?;
    Ok(LoggedEvent {
        id,
        key: key.ok_or_else(|| StoreError::Corrupt { id, what: "it has no key".into() })?,
        scenario: r.try_get("scenario")?,
        at: time("at")?,
        kind,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: time("recorded_at")?,
        note: r.try_get("note")?,
    })
}

fn scenario_ref(r: &AnyRow) -> Result<ScenarioRef, StoreError> {
    Ok(ScenarioRef {
        name: r.try_get("name")?,
        version: r.try_get("version")?,
        sha256: r.try_get("sha256")?,
        created_at: r.try_get("created_at")?,
        recorded_by: r.try_get("recorded_by")?,
    })
}

fn run_ref(r: &AnyRow) -> Result<RunRef, StoreError> {
    Ok(RunRef {
        id: r.try_get("id")?,
        scenario: r.try_get("scenario")?,
        version: r.try_get("version")?,
        kind: r.try_get("kind")?,
        created_at: r.try_get("created_at")?,
        recorded_by: r.try_get("recorded_by")?,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// What to do about a connection error, where its text says enough to tell.
fn hint(backend: Backend, e: &sqlx::Error) -> Option<&'static str> {
    let text = e.to_string();
    let hint = match backend {
        Backend::Sqlite if text.contains("not a database") => {
            "the file exists but is not a SQLite database; give another path"
        }
        Backend::Sqlite
            if text.contains("unable to open") || text.contains("readonly") || text.contains("read-only") =>
        {
            "check that the directory exists and is writable"
        }
        Backend::Postgres if matches!(e, sqlx::Error::Io(_)) => {
            "is the PostgreSQL server running and reachable at that host and port?"
        }
        _ => "",
    };
    (!hint.is_empty()).then_some(hint)
}
