//! Client-credentials token cache: fetched on first use, refreshed shortly before it expires,
//! renewed once after a 401, and never fetched by more than one call at a time.
//!
//! Single-threaded async: the state lives in a `RefCell` that is never borrowed across an
//! `.await`. The first call that needs a token becomes the *leader* and fetches it; every other
//! call that needs one meanwhile parks its `Waker` and is woken when the leader finishes, then
//! shares the leader's outcome (the new token or its error). If the leader's future is dropped
//! mid-fetch, a guard wakes the waiters and one of them becomes the next leader.
//!
//! The cache does no I/O: the caller passes the clock and the fetch of a new grant (the session
//! sends the token request through its usual call path).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use serde_json::Value;

use super::error::{DirectoryError, DirectoryErrorKind};
use super::transport::Runtime;

/// Refresh a token when less than this much of its lifetime is left (or 10% of it, if smaller).
pub const REFRESH_MARGIN_MS: f64 = 60_000.0;

/// How often a caller re-enters the wait loop when leaders keep being dropped.
const MAX_ROUNDS: usize = 16;

/// A token as returned by the token endpoint, before it is cached.
pub(crate) struct Grant {
    access_token: String,
    /// `expires_in` in seconds; `None` when the server did not say (then it is used until a 401).
    expires_in_s: Option<f64>,
}

impl Grant {
    /// The grant in a token endpoint's 2xx body: a non-empty `access_token` and an optional
    /// `expires_in` (a number, or a decimal string).
    pub(crate) fn from_response(v: &Value) -> Result<Self, DirectoryError> {
        let bad =
            |what: &str| DirectoryError::invalid_response(format!("POST /oauth/token: {what}"));
        let access_token = v
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("response has no access_token"))?
            .to_owned();
        let expires_in_s = match v.get("expires_in") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            Some(_) => return Err(bad("expires_in is not a number")),
        };
        Ok(Self {
            access_token,
            expires_in_s,
        })
    }
}

/// A cached access token.
#[derive(Clone)]
pub(crate) struct Token {
    pub(crate) access_token: String,
    /// Increases with every fetched token; a 401 names the generation it rejected.
    pub(crate) generation: u64,
    refresh_at_ms: f64,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"[redacted]")
            .field("generation", &self.generation)
            .field("refresh_at_ms", &self.refresh_at_ms)
            .finish()
    }
}

/// When to refresh a token obtained at `obtained_ms` that lives `expires_in_s` seconds:
/// `min(60 s, 10% of its lifetime)` before it expires.
fn refresh_at(obtained_ms: f64, expires_in_s: Option<f64>) -> f64 {
    match expires_in_s {
        Some(s) if s.is_finite() => {
            let life = (s * 1000.0).max(0.0);
            obtained_ms + life - REFRESH_MARGIN_MS.min(life * 0.1)
        }
        _ => f64::INFINITY,
    }
}

#[derive(Default)]
struct State {
    token: Option<Token>,
    last_generation: u64,
    fetching: bool,
    /// Number of finished (or abandoned) fetches.
    completed: u64,
    /// The outcome of the last finished fetch; `None` when it was abandoned.
    outcome: Option<Result<(), DirectoryError>>,
    waiters: Vec<Waker>,
}

/// The token cache of one client session.
#[derive(Default)]
pub(crate) struct TokenCache {
    state: RefCell<State>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenCache { .. }")
    }
}

impl TokenCache {
    /// A usable token. `rejected` is the generation a 401 was answered to: that token is dropped
    /// (if still current) and a newer one is returned, fetched with `fetch` unless another call
    /// already did or is doing so. `clock` dates the token (for its refresh).
    pub(crate) async fn get<F>(
        &self,
        clock: &dyn Runtime,
        rejected: Option<u64>,
        fetch: impl FnOnce() -> F,
    ) -> Result<Token, DirectoryError>
    where
        F: Future<Output = Result<Grant, DirectoryError>>,
    {
        let mut fetch = Some(fetch);
        for _ in 0..MAX_ROUNDS {
            let now = clock.now_ms();
            let waiting_for = {
                let Ok(mut s) = self.state.try_borrow_mut() else {
                    return Err(busy());
                };
                if let Some(t) = &s.token {
                    if Some(t.generation) == rejected {
                        s.token = None;
                    } else if now < t.refresh_at_ms {
                        return Ok(t.clone());
                    }
                }
                if s.fetching {
                    Some(s.completed)
                } else {
                    s.fetching = true;
                    None
                }
            };
            let Some(seen) = waiting_for else {
                let guard = LeaderGuard {
                    cache: self,
                    finished: false,
                };
                // A call leads at most once: it returns right after its fetch.
                let result = match fetch.take() {
                    Some(fetch) => fetch().await,
                    None => Err(busy()),
                };
                return guard.finish(result, now);
            };
            WaitForFetch { cache: self, seen }.await;
            let Ok(s) = self.state.try_borrow() else {
                return Err(busy());
            };
            match &s.outcome {
                Some(Ok(())) => {
                    if let Some(t) = s.token.as_ref().filter(|t| Some(t.generation) != rejected) {
                        return Ok(t.clone());
                    }
                }
                Some(Err(e)) => return Err(e.clone()),
                None => {}
            }
        }
        Err(DirectoryError::new(
            DirectoryErrorKind::Network,
            "POST /oauth/token: token refresh was abandoned repeatedly",
        ))
    }
}

fn busy() -> DirectoryError {
    DirectoryError::new(
        DirectoryErrorKind::Network,
        "token cache is busy (re-entrant call)",
    )
}

/// Marks the end of the leader's fetch, also when its future is dropped.
struct LeaderGuard<'a> {
    cache: &'a TokenCache,
    finished: bool,
}

impl LeaderGuard<'_> {
    fn finish(
        mut self,
        result: Result<Grant, DirectoryError>,
        obtained_ms: f64,
    ) -> Result<Token, DirectoryError> {
        self.finished = true;
        let (out, waiters) = {
            let Ok(mut s) = self.cache.state.try_borrow_mut() else {
                return Err(busy());
            };
            s.fetching = false;
            s.completed += 1;
            let out = match result {
                Ok(grant) => {
                    s.last_generation += 1;
                    let token = Token {
                        access_token: grant.access_token,
                        generation: s.last_generation,
                        refresh_at_ms: refresh_at(obtained_ms, grant.expires_in_s),
                    };
                    s.token = Some(token.clone());
                    s.outcome = Some(Ok(()));
                    Ok(token)
                }
                Err(e) => {
                    s.outcome = Some(Err(e.clone()));
                    Err(e)
                }
            };
            (out, std::mem::take(&mut s.waiters))
        };
        waiters.into_iter().for_each(Waker::wake);
        out
    }
}

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let waiters = match self.cache.state.try_borrow_mut() {
            Ok(mut s) => {
                s.fetching = false;
                s.completed += 1;
                s.outcome = None;
                std::mem::take(&mut s.waiters)
            }
            Err(_) => Vec::new(),
        };
        waiters.into_iter().for_each(Waker::wake);
    }
}

/// Completes when the fetch that was in flight (`completed == seen`) has finished.
struct WaitForFetch<'a> {
    cache: &'a TokenCache,
    seen: u64,
}

impl Future for WaitForFetch<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Ok(mut s) = self.cache.state.try_borrow_mut() else {
            return Poll::Ready(());
        };
        if s.completed != self.seen || !s.fetching {
            return Poll::Ready(());
        }
        if !s.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            s.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_is_min_of_60s_and_10_percent() {
        assert_eq!(refresh_at(0.0, Some(86_400.0)), 86_400_000.0 - 60_000.0);
        assert_eq!(refresh_at(0.0, Some(300.0)), 300_000.0 - 30_000.0);
        assert_eq!(refresh_at(1000.0, Some(0.0)), 1000.0);
        assert_eq!(refresh_at(0.0, None), f64::INFINITY);
        assert_eq!(refresh_at(0.0, Some(f64::NAN)), f64::INFINITY);
    }
}
