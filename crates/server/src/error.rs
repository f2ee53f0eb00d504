//! Every refusal is a 4xx with one JSON shape, `{error, field, hint}`, so a
//! client (the dashboard, a script) can show the message beside the field it
//! names; faults of the server are a 5xx with a generic message, the detail
//! going to the server's log rather than to the client. Inside, an error is
//! the model's `Diagnostic` (as the operations log's rejections are), with
//! an HTTP status.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use drawdown_model::{Diagnostic, Path};
use drawdown_ops::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response: a diagnostic (`drawdown_model::Diagnostic`,
/// the type every refusal of input is) as JSON.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What is wrong, in one sentence.
    pub error: String,
    /// The offending input, e.g. `site`, `runs`, `closures.kidal`, `Authorization`.
    pub field: Option<String>,
    /// What would be accepted.
    pub hint: Option<String>,
}

impl From<&Diagnostic> for ErrorBody {
    fn from(d: &Diagnostic) -> ErrorBody {
        ErrorBody {
            error: d.message.clone(),
            field: (!d.field.is_root()).then(|| d.field.to_string()),
            hint: d.hint.clone(),
        }
    }
}

/// A refusal or a fault: an HTTP status and the diagnostic sent as `{error, field, hint}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed: errors travel in `Result`s through every handler.
    pub diagnostic: Box<Diagnostic>,
    /// Headers sent with it (`Retry-After`, `Connection: close`).
    pub headers: Vec<(axum::http::HeaderName, axum::http::HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, field: Option<&str>, error: impl Into<String>) -> ApiError {
        ApiError::from_diagnostic(status, Diagnostic::error(field.map_or_else(Path::root, Path::verbatim), error))
    }

    pub fn from_diagnostic(status: StatusCode, diagnostic: Diagnostic) -> ApiError {
        ApiError { status, diagnostic: Box::new(diagnostic), headers: Vec::new() }
    }

    /// 400: the request is malformed or a value is out of range.
    pub fn bad(field: &str, error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, Some(field), error)
    }

    /// 404: nothing of that name or id.
    pub fn not_found(field: &str, error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, Some(field), error)
    }

    /// 422: well-formed, but refused by the scenario's or the log's rules.
    pub fn unprocessable(d: Diagnostic) -> ApiError {
        ApiError::from_diagnostic(StatusCode::UNPROCESSABLE_ENTITY, d)
    }

    /// 500: a fault of the server; the detail is logged, not sent.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        eprintln!("error: {detail}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "internal error; the server's log has the detail")
    }

    pub fn hint(mut self, hint: impl Into<String>) -> ApiError {
        self.diagnostic.hint = Some(hint.into());
        self
    }

    /// Sent with a header.
    pub fn header(mut self, name: axum::http::HeaderName, value: axum::http::HeaderValue) -> ApiError {
        self.headers.push((name, value));
        self
    }

    /// What is wrong, in one sentence.
    pub fn message(&self) -> &str {
        &self.diagnostic.message
    }

    /// The body sent.
    pub fn body(&self) -> ErrorBody {
        ErrorBody::from(&*self.diagnostic)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(self.body())).into_response();
        for (name, value) in self.headers {
            r.headers_mut().insert(name, value);
        }
        r
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Invalid(r) => ApiError::unprocessable(r),
            StoreError::NotFound { what } => ApiError::not_found("id", format!("not found: {what}")),
            other => ApiError::internal(other),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> ApiError {
        ApiError::new(r.status(), Some("query"), r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        ApiError::new(r.status(), Some("path"), r.body_text())
    }
}

/// A JSON body, parsed with the path of the offending field kept, so a
/// type error names `runs` or `closures.kidal` rather than a byte offset.
/// Bodies over the size limit are refused with 413 before parsing, and a
/// body that has not fully arrived within the body timeout of its request's
/// head with 408 (and the connection is closed).
pub struct Body<T>(pub T);

impl<T> axum::extract::FromRequest<crate::AppState> for Body<T>
where
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &crate::AppState) -> Result<Self, ApiError> {
        let is_json =
            req.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some("Content-Type"),
                "the body must be JSON",
            )
            .hint("send `Content-Type: application/json`"));
        }
        let timeout = state.limits.body_timeout;
        let read = tokio::time::timeout(timeout, axum::body::Bytes::from_request(req, state)).await.map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                Some("body"),
                format!("the request body did not arrive within {} s", timeout.as_secs_f64()),
            )
            .hint("send the whole body at once, right after the headers")
            .header(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"))
        })?;
        let bytes = read.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, Some("body"), "the request body is too large")
                    .hint(format!("at most {} bytes", crate::MAX_BODY_BYTES))
            } else {
                ApiError::new(r.status(), Some("body"), r.body_text())
            }
        })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map(Body).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            // A syntax error is about the text, not a field.
            let malformed = inner.is_syntax() || inner.is_eof();
            let field = if malformed || path == "." || path.is_empty() { "body".to_string() } else { path };
            let status = if malformed { StatusCode::BAD_REQUEST } else { StatusCode::UNPROCESSABLE_ENTITY };
            ApiError::new(status, Some(&field), inner.to_string())
        })
    }
}
