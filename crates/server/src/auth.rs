//! The access token: when the server has one, every `/api/` call must carry
//! `Authorization: Bearer TOKEN`. The comparison takes the same time whatever
//! the guess (`subtle`), so the token cannot be found a byte at a time by
//! timing the answers.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::{ApiError, AppState};

pub async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = &state.token else {
        return next.run(req).await;
    };
    let given =
        req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(g) if bool::from(g.trim().as_bytes().ct_eq(token.as_bytes())) => next.run(req).await,
        Some(_) => unauthorized("the access token is wrong"),
        None => unauthorized("this server needs an access token"),
    }
}

fn unauthorized(msg: &str) -> Response {
    let mut r = ApiError::new(StatusCode::UNAUTHORIZED, Some("Authorization"), msg)
        .hint("send `Authorization: Bearer TOKEN` with the token the server was started with (`--token` or DRAWDOWN_TOKEN)")
        .into_response();
    r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    r
}
