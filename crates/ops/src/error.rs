//! Errors of the store, and the validation failure of one event.

use std::fmt;

use serde::Serialize;

/// A validation failure: the input was wrong (a client error, never a fault
/// of the store). `Display` is "field: message (hint)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The offending field, as named in the event's JSON (`site`, `at`, ...).
    pub field: String,
    pub message: String,
    /// What would be accepted, where that helps (valid ids, the last time...).
    pub hint: Option<String>,
}

impl Rejection {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Rejection {
        Rejection { field: field.into(), message: message.into(), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Rejection {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejection {}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or reached.
    #[error("cannot open the store `{url}`: {message}")]
    Open { url: String, message: String },
    /// The schema could not be brought up to date.
    #[error("cannot migrate the store's schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
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
