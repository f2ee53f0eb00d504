//! Errors of the store, and the validation failure of one event.

/// A validation failure: the input was wrong (a client error, never a fault
/// of the store). It is the model's diagnostic: `field` is the offending
/// field as named in the event's JSON (`site`, `at`, ...), `message` what is
/// wrong, `hint` what would be accepted where that helps (valid ids, the last
/// time...). `Display` is "field: message (hint)".
pub type Rejection = drawdown_model::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store's URL names nothing this crate can open.
    #[error("cannot open the store `{url}`: {reason}")]
    BadUrl { url: String, reason: &'static str },
    /// The database could not be opened or reached (`url` without its password).
    #[error("cannot open the store `{url}`: {source}{}", hint.map_or(String::new(), |h| format!(" ({h})")))]
    Open {
        url: String,
        #[source]
        source: sqlx::Error,
        /// What to do about it, where the error says enough to tell.
        hint: Option<&'static str>,
    },
    /// The schema could not be brought up to date.
    #[error("cannot migrate the store's schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A stored row this crate cannot read back (written by something else).
    #[error("event {id} in the store cannot be read: {what}")]
    Corrupt { id: i64, what: String },
    /// The input was refused; nothing was written.
    #[error("{0}")]
    Invalid(Rejection),
    #[error("not found: {what}")]
    NotFound { what: String },
}

impl From<Rejection> for StoreError {
    fn from(r: Rejection) -> StoreError {
        StoreError::Invalid(r)
    }
}
