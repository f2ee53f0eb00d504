//! Which names the server answers under, and from which origins it takes
//! changes: the defence against DNS rebinding and cross-site requests.
//!
//! A web page the operator opens elsewhere can point a name of its own at
//! 127.0.0.1 (DNS rebinding) and then call the API as if it were the page's
//! own origin; the browser sends that name as `Host`. So every request must
//! name in `Host` (and in an absolute request target) a host the server is
//! served under: `localhost`, a loopback address, the address it is bound
//! to (any address when bound to all of them) and the names given with
//! `--allowed-host`; anything else gets 421. An address literal cannot be
//! rebound (no name is resolved), a name can, hence names are listed and
//! addresses are not. Requests that change state (POST, PUT, PATCH,
//! DELETE) carrying an `Origin` must come from the server's own origin (the
//! same host and port as `Host`), else 403; a request without `Origin` is
//! not from a browser's cross-site script, which always sends it.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::uri::{Authority, Scheme};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::{ApiError, AppState};

/// The hosts a server answers under.
#[derive(Clone, Debug)]
pub struct Hosts {
    /// Names (lower case, no trailing dot) and address literals from `--allowed-host`.
    names: Vec<String>,
    ips: Vec<IpAddr>,
    /// Bound to every address (0.0.0.0 or ::): any address literal is one of its own.
    any_address: bool,
}

impl Hosts {
    /// Loopback names and addresses, `bound` and `allowed` (each checked by `parse_allowed_host`).
    pub fn new(bound: IpAddr, allowed: &[String]) -> Result<Hosts, String> {
        let mut hosts =
            Hosts { names: vec!["localhost".into()], ips: vec![bound], any_address: bound.is_unspecified() };
        for a in allowed {
            match parse_allowed_host(a)? {
                Host::Ip(ip) => hosts.ips.push(ip),
                Host::Name(n) => hosts.names.push(n),
            }
        }
        Ok(hosts)
    }

    fn allows(&self, host: &Host) -> bool {
        match host {
            Host::Ip(ip) => ip.is_loopback() || self.any_address || self.ips.contains(ip),
            Host::Name(n) => self.names.contains(n),
        }
    }
}

/// A host as a request names it: an address, or a name in lower case without a trailing dot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Host {
    Ip(IpAddr),
    Name(String),
}

impl Host {
    /// The host part of an authority (`name`, `1.2.3.4`, `[::1]`), normalised.
    fn of(host: &str) -> Host {
        let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        match bare.parse::<IpAddr>() {
            Ok(ip) => Host::Ip(ip),
            Err(_) => Host::Name(bare.trim_end_matches('.').to_ascii_lowercase()),
        }
    }
}

/// A value of `--allowed-host`: a DNS name (`ops.example.org`) or an address
/// (`10.0.0.5`, `::1`, `[::1]`), without scheme, port or path.
pub(crate) fn parse_allowed_host(text: &str) -> Result<Host, String> {
    let t = text.trim();
    let refuse = |why: &str| {
        format!(
            "`{text}` is not a host name: {why}\nhint: give the name or address alone, e.g. `--allowed-host ops.example.org` or `--allowed-host 10.0.0.5` (no scheme, port or path)"
        )
    };
    if t.is_empty() {
        return Err(refuse("it is empty"));
    }
    let bare = t.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(t);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    if t.contains("://") || t.contains('/') {
        return Err(refuse("it has a scheme or a path"));
    }
    if t.contains(':') {
        return Err(refuse("it has a port (the port is not part of the check)"));
    }
    let name = t.trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.len() > 253 || !name.split('.').all(label_ok) {
        return Err(refuse("a name is labels of letters, digits and `-` separated by dots"));
    }
    Ok(Host::Name(name))
}

/// `parse_allowed_host` for the command line: the value checked, as given.
pub fn check_allowed_host(text: &str) -> Result<String, String> {
    parse_allowed_host(text).map(|_| text.trim().to_string())
}

/// The authority a request is addressed to: its absolute target's if it
/// has one (which takes precedence over `Host`), else `Host`.
fn authority(req: &Request) -> Result<Option<Authority>, ApiError> {
    let from_header = match req.headers().get(header::HOST) {
        None => None,
        Some(v) => Some(v.to_str().ok().and_then(|s| s.parse::<Authority>().ok()).ok_or_else(|| {
            ApiError::bad("Host", "the Host header is not a host and port").hint("e.g. `Host: 127.0.0.1:8080`")
        })?),
    };
    Ok(req.uri().authority().cloned().or(from_header))
}

fn port_or_default(port: Option<u16>, scheme: &Scheme) -> Option<u16> {
    port.or(if *scheme == Scheme::HTTPS {
        Some(443)
    } else if *scheme == Scheme::HTTP {
        Some(80)
    } else {
        None
    })
}

/// Whether `origin` (an `Origin` header) is the origin of a page served by
/// this server at `authority`.
fn same_origin(origin: &str, authority: &Authority) -> bool {
    let Ok(uri) = origin.parse::<Uri>() else {
        return false; // includes `null`: a sandboxed frame, a file, a redirect across origins
    };
    let (Some(scheme), Some(o)) = (uri.scheme(), uri.authority()) else {
        return false;
    };
    if *scheme != Scheme::HTTP && *scheme != Scheme::HTTPS {
        return false;
    }
    // A proxy in front (TLS) may forward `Host` without the port the page's origin has by default.
    Host::of(o.host()) == Host::of(authority.host())
        && port_or_default(o.port_u16(), scheme) == port_or_default(authority.port_u16(), scheme)
}

fn changes_state(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// Refuses requests addressed to a host the server is not served under
/// (421), without a host at all (400), and changes from a foreign origin (403).
pub async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let authority = match authority(&req) {
        Ok(Some(a)) => a,
        Ok(None) => {
            return ApiError::bad("Host", "the request names no host")
                .hint("send `Host: 127.0.0.1:PORT` (HTTP/1.1 requires it)")
                .into_response();
        }
        Err(e) => return e.into_response(),
    };
    let host = Host::of(authority.host());
    if !state.hosts.allows(&host) {
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            Some("Host"),
            format!("this server is not served under the name `{}`", authority.host()),
        )
        .hint(
            "open it by a loopback name or address (http://127.0.0.1:PORT/, http://localhost:PORT/) or by the address it listens on; a name of your own needs `drawdown serve --allowed-host NAME`",
        )
        .into_response();
    }
    if changes_state(req.method())
        && let Some(origin) = req.headers().get(header::ORIGIN)
    {
        let origin = origin.to_str().unwrap_or("");
        if !same_origin(origin, &authority) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                Some("Origin"),
                format!(
                    "a change from the origin `{origin}` is refused: only the dashboard's own pages may make changes"
                ),
            )
            .hint(format!(
                "send it from a page of http://{authority}/, or from a client that sends no Origin (curl, a script)"
            ))
            .into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses_are_normalised() {
        assert_eq!(Host::of("LocalHost."), Host::Name("localhost".into()));
        assert_eq!(Host::of("[::1]"), Host::Ip("::1".parse().unwrap()));
        assert_eq!(Host::of("127.0.0.2"), Host::Ip("127.0.0.2".parse().unwrap()));
    }

    #[test]
    fn loopback_the_bound_address_and_listed_names_are_allowed_and_nothing_else() {
        let h = Hosts::new("10.1.2.3".parse().unwrap(), &["Ops.Example.org".into(), "10.9.9.9".into()]).unwrap();
        for ok in ["localhost", "127.0.0.1", "127.3.4.5", "[::1]", "10.1.2.3", "ops.example.org", "10.9.9.9"] {
            assert!(h.allows(&Host::of(ok)), "{ok}");
        }
        for no in ["rebind.attacker.example", "10.1.2.4", "example.org", "localhost.attacker.example", "[::2]"] {
            assert!(!h.allows(&Host::of(no)), "{no}");
        }
        let all = Hosts::new("0.0.0.0".parse().unwrap(), &[]).unwrap();
        assert!(all.allows(&Host::of("192.0.2.7")), "bound to every address: any address literal");
        assert!(!all.allows(&Host::of("ops.example.org")), "but no name that was not listed");
    }

    #[test]
    fn a_bad_allowed_host_is_refused_with_a_hint() {
        for bad in ["", "http://ops.example.org", "ops.example.org:8080", "ops/x", "a..b", "-a.b", "a b"] {
            let e = parse_allowed_host(bad).expect_err(bad);
            assert!(e.contains("hint:"), "{e}");
        }
        assert_eq!(parse_allowed_host("[::1]").unwrap(), Host::Ip("::1".parse().unwrap()));
    }

    #[test]
    fn the_same_origin_is_the_same_host_and_port() {
        let a: Authority = "127.0.0.1:8080".parse().unwrap();
        assert!(same_origin("http://127.0.0.1:8080", &a));
        assert!(!same_origin("http://localhost:8080", &a), "another name is another origin");
        assert!(!same_origin("http://127.0.0.1:3000", &a), "another port is another origin");
        assert!(!same_origin("null", &a));
        assert!(!same_origin("http://rebind.attacker.example:8080", &a));
        let proxied: Authority = "ops.example.org".parse().unwrap();
        assert!(same_origin("https://ops.example.org", &proxied), "behind a TLS proxy");
        assert!(!same_origin("https://ops.example.org:8443", &proxied));
    }
}
