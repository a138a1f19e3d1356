//! Page walking: follows `next_page_token`, resumes from a token, detects token loops, and
//! requests the next page ahead of the caller.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;
use std::future::poll_fn;
use std::rc::{Rc, Weak};
use std::task::Poll;

use super::client::DirectoryClient;
use super::error::{DirectoryError, DirectoryErrorKind};
use super::pages::{next_token_hint, GroupListOptions, ListOptions, UserListOptions};
use super::queries::{GroupsQuery, OrganizationsQuery, Page, PageQuery, UsersQuery};
use super::session::BodyHook;
use super::transport::LocalBoxFuture;

#[derive(Debug, Clone)]
enum WalkState {
    Active,
    Done,
    /// The server repeated a token; every further call fails with this error (whose page token,
    /// like [`PageWalker::resume_token`], is that of the page that carried the repeat).
    Looped(DirectoryError),
}

/// The default [`PageWalker::with_max_pages`]: 100,000 pages (3,000,000 users at 30 a page).
/// Loop detection keeps 8 bytes per page, so this also bounds a walk's memory (about 2 MiB).
pub const DEFAULT_MAX_PAGES: u64 = 100_000;

/// Walks a listing page by page. It holds the query, the token of the next page and the tokens
/// seen so far — never a page it has read: each page is handed to the caller.
///
/// One entry point, [`PageWalker::next_page`]: it takes `&self` and returns a `'static` future,
/// so the same call serves a Rust loop (`while let Some(page) = walker.next_page(&client).await?`)
/// and a wasm-bindgen promise. A second call while one is pending fails with `invalid_argument`
/// instead of panicking.
///
/// On failure the walker stays where it was: the error's `page_token` (and
/// [`PageWalker::resume_token`]) is the token of the page that failed, and calling
/// `next_page` again retries that page. Every page is handed back at most once, so a walk
/// resumed from that token (by a new walker) delivers each item exactly once overall.
///
/// **Bounds**: a page whose `next_page_token` was already seen in this walk is not handed back:
/// the call fails with `pagination_loop`, carrying that page's own token (the server gave no
/// usable successor; resuming re-requests the page). After [`PageWalker::with_max_pages`] pages
/// (default [`DEFAULT_MAX_PAGES`]) with more to go, calls fail with `too_many_pages`, carrying
/// the token of the next page, so a server that keeps returning fresh tokens cannot make a walk
/// run (and its loop detection grow) forever.
///
/// **Prefetch** (on by default; [`PageWalker::with_prefetch`]): the request for a page's
/// successor is sent as soon as the page's body arrives — its `next_page_token` is found in the
/// text before the page is read (`pages::next_token_hint`, checked against the page once read) —
/// so the server works on it while this page is read and handed back. Requests stay strictly
/// sequential (the next token is only known from this page), at most one is ahead of the caller,
/// and dropping the walker drops that request (transports cancel on drop). Memory: the page being
/// read plus the one in flight.
pub struct PageWalker<Q: PageQuery> {
    /// Shared with the pending `next_page` future (strongly) and with the body hooks of the
    /// requests it sent (weakly, so a request sent ahead never keeps the walk alive).
    walk: Rc<RefCell<Walk<Q>>>,
}

/// The state of one walk.
struct Walk<Q: PageQuery> {
    query: Q,
    next_token: Option<String>,
    /// Hashes of every page token seen, for loop detection: 8 bytes a page rather than the
    /// token itself (a 100,000-user walk keeps 27 KiB, not half a megabyte).
    seen: BTreeSet<u64>,
    state: WalkState,
    in_flight: bool,
    pages: u64,
    max_pages: u64,
    prefetch: bool,
    /// The request for `next_token`'s page, already started.
    ahead: Option<Ahead<Q::Page>>,
    /// A request started from the body of the page being fetched, with the token it asks for:
    /// becomes `ahead` if the page, once read, names that token.
    early: Option<(String, Ahead<Q::Page>)>,
}

/// A page request started ahead of the caller: still pending, or already answered.
enum Ahead<P> {
    Pending(LocalBoxFuture<'static, Result<P, DirectoryError>>),
    Done(Result<P, DirectoryError>),
}

impl<P> Ahead<P> {
    async fn get(self) -> Result<P, DirectoryError> {
        match self {
            Ahead::Pending(fut) => fut.await,
            Ahead::Done(result) => result,
        }
    }
}

impl<Q: PageQuery + fmt::Debug> fmt::Debug for PageWalker<Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(w) = self.walk.try_borrow() else {
            return f.write_str("PageWalker { .. }");
        };
        f.debug_struct("PageWalker")
            .field("query", &w.query)
            .field("next_token", &w.next_token)
            .field("state", &w.state)
            .field("pages", &w.pages)
            .field("prefetch", &w.prefetch)
            .field("request_ahead", &w.ahead.is_some())
            .finish_non_exhaustive()
    }
}

/// Walks directory users.
pub type UsersWalker = PageWalker<UsersQuery>;
/// Walks directory groups.
pub type GroupsWalker = PageWalker<GroupsQuery>;
/// Walks organizations.
pub type OrganizationsWalker = PageWalker<OrganizationsQuery>;

impl PageWalker<UsersQuery> {
    /// A walk over a directory's users, from `options.page_token` (or the start).
    pub fn users(
        organization_id: impl Into<String>,
        directory_id: impl Into<String>,
        options: UserListOptions,
    ) -> Result<Self, DirectoryError> {
        Self::new(UsersQuery {
            organization_id: organization_id.into(),
            directory_id: directory_id.into(),
            options,
        })
    }
}

impl PageWalker<GroupsQuery> {
    /// A walk over a directory's groups, from `options.page_token` (or the start).
    pub fn groups(
        organization_id: impl Into<String>,
        directory_id: impl Into<String>,
        options: GroupListOptions,
    ) -> Result<Self, DirectoryError> {
        Self::new(GroupsQuery {
            organization_id: organization_id.into(),
            directory_id: directory_id.into(),
            options,
        })
    }
}

impl PageWalker<OrganizationsQuery> {
    /// A walk over the environment's organizations, from `options.page_token` (or the start).
    pub fn organizations(options: ListOptions) -> Result<Self, DirectoryError> {
        Self::new(OrganizationsQuery { options })
    }
}

impl<Q: PageQuery> PageWalker<Q> {
    /// A walk over `query`, validated now (`invalid_argument`, no request made).
    pub fn new(query: Q) -> Result<Self, DirectoryError> {
        query.validate()?;
        let next_token = query
            .start_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let seen = next_token.iter().map(|t| token_hash(t)).collect();
        let walk = Walk {
            query,
            next_token,
            seen,
            state: WalkState::Active,
            in_flight: false,
            pages: 0,
            max_pages: DEFAULT_MAX_PAGES,
            prefetch: true,
            ahead: None,
            early: None,
        };
        Ok(Self {
            walk: Rc::new(RefCell::new(walk)),
        })
    }

    /// Whether [`PageWalker::next_page`] requests the next page before handing back the current
    /// one (default `true`). Off, the walk sends exactly one request per page returned.
    pub fn with_prefetch(self, prefetch: bool) -> Self {
        if let Ok(mut w) = self.walk.try_borrow_mut() {
            w.prefetch = prefetch;
        }
        self
    }

    /// Most pages this walk hands back (default [`DEFAULT_MAX_PAGES`]); then calls fail with
    /// `too_many_pages` and the token to resume from. At least 1 (0 is taken as 1).
    pub fn with_max_pages(self, max_pages: u64) -> Self {
        if let Ok(mut w) = self.walk.try_borrow_mut() {
            w.max_pages = max_pages.max(1);
        }
        self
    }

    /// The token the next call will request: save it to resume later with a new walker.
    /// `None` before the first page of a walk that started from the beginning, and once the walk
    /// is over (see [`PageWalker::is_done`]); after a `pagination_loop`, the token of the page
    /// that carried the repeated token.
    pub fn resume_token(&self) -> Option<String> {
        self.read(|w| w.next_token.clone()).flatten()
    }

    /// Whether the last page has been returned (or a token loop was detected).
    pub fn is_done(&self) -> bool {
        self.read(|w| !matches!(w.state, WalkState::Active))
            .unwrap_or(false)
    }

    /// Pages returned so far.
    pub fn pages_fetched(&self) -> u64 {
        self.read(|w| w.pages).unwrap_or(0)
    }

    /// `f` of the walk's state. The state is never borrowed across an `.await` nor handed out,
    /// so this only gives `None` if called from inside the walker itself.
    fn read<T>(&self, f: impl FnOnce(&Walk<Q>) -> T) -> Option<T> {
        self.walk.try_borrow().ok().map(|w| f(&w))
    }

    /// The next page, or `None` after the last one. If the server hands back a token already
    /// seen in this walk, the page that carried it is not returned: this call and every later
    /// one fail with `pagination_loop` (no request is made for the repeated token).
    ///
    /// The future is `'static` (it holds the walk and a clone of `client`) and keeps no borrow of
    /// the walker across the request. A second call while one is pending fails with
    /// `invalid_argument`; dropping a pending call leaves the walker where it was. With prefetch
    /// on, the request for the following page has been sent by the time this resolves.
    pub fn next_page(
        &self,
        client: &DirectoryClient,
    ) -> LocalBoxFuture<'static, Result<Option<Q::Page>, DirectoryError>> {
        let this = Rc::clone(&self.walk);
        let client = client.clone();
        Box::pin(async move {
            let (begun, ahead, prefetch) = {
                let Ok(mut w) = this.try_borrow_mut() else {
                    return Err(busy());
                };
                if w.in_flight {
                    return Err(busy());
                }
                let begun = w.begin()?;
                w.in_flight = begun.is_some();
                let ahead = if begun.is_some() {
                    w.ahead.take()
                } else {
                    None
                };
                (begun, ahead, w.prefetch)
            };
            let Some((query, token)) = begun else {
                return Ok(None);
            };
            let guard = InFlight(Rc::clone(&this));
            let result = match ahead {
                Some(ahead) => ahead.get().await,
                None => {
                    let hook = prefetch.then(|| early_hook(&this, &client, token.clone()));
                    query
                        .fetch(&client, token.as_deref(), hook.as_deref())
                        .await
                }
            };
            drop(guard);
            let (page, early, want) = {
                let Ok(mut w) = this.try_borrow_mut() else {
                    return Err(busy());
                };
                let early = w.early.take();
                let page = w.finish(token, result)?;
                let want = if w.prefetch && w.may_request(0) {
                    w.next_token.clone()
                } else {
                    None
                };
                (page, early, want)
            };
            // The page, now read, names the page to request next: keep the request sent early
            // if it asked for that one; else (no hint, or a wrong one) send it now.
            let ahead = match (want, early) {
                (Some(t), Some((hinted, ahead))) if hinted == t => Some(ahead),
                (Some(t), _) => Some(start(&this, &client, Some(t)).await),
                (None, _) => None,
            };
            if let Some(ahead) = ahead {
                if let Ok(mut w) = this.try_borrow_mut() {
                    w.ahead = Some(ahead);
                }
            }
            Ok(page)
        })
    }
}

impl<Q: PageQuery> Walk<Q> {
    fn begin(&mut self) -> Result<Option<(Q, Option<String>)>, DirectoryError> {
        match &self.state {
            WalkState::Done => Ok(None),
            WalkState::Looped(e) => Err(e.clone()),
            WalkState::Active if self.pages >= self.max_pages => Err(DirectoryError::new(
                DirectoryErrorKind::TooManyPages,
                format!(
                    "the walk stopped after {} pages (max_pages) with more to go: resume from \
                     the error's page token with a new walk, or raise max_pages",
                    self.pages
                ),
            )
            .with_page_token(self.next_token.as_deref())),
            WalkState::Active => Ok(Some((self.query.clone(), self.next_token.clone()))),
        }
    }

    /// Whether a request for the page after the next one may be sent now: the walk goes on and
    /// that page is within `max_pages` (`ahead` pages beyond those returned).
    fn may_request(&self, ahead: u64) -> bool {
        matches!(self.state, WalkState::Active) && self.pages.saturating_add(ahead) < self.max_pages
    }

    fn finish(
        &mut self,
        requested: Option<String>,
        result: Result<Q::Page, DirectoryError>,
    ) -> Result<Option<Q::Page>, DirectoryError> {
        let page = result.map_err(|e| e.with_page_token(requested.as_deref()))?;
        match page.next_page_token().filter(|t| !t.is_empty()) {
            None => {
                self.state = WalkState::Done;
                self.next_token = None;
            }
            Some(t) if self.seen.contains(&token_hash(t)) || requested.as_deref() == Some(t) => {
                // Not handed back: its successor is unknown, so resuming must re-request it.
                let err = DirectoryError::new(
                    DirectoryErrorKind::PaginationLoop,
                    format!(
                        "pagination loop: page {} returned a next_page_token already seen in this \
                         walk; that page was not handed back: resume from the error's page token",
                        self.pages + 1
                    ),
                )
                .with_page_token(requested.as_deref());
                self.state = WalkState::Looped(err.clone());
                self.next_token = requested;
                return Err(err);
            }
            Some(t) => {
                self.seen.insert(token_hash(t));
                self.next_token = Some(t.to_owned());
            }
        }
        self.pages += 1;
        Ok(Some(page))
    }
}

/// Starts the request for the page at `token`: polls it once, which runs it up to its first wait
/// (the request is sent), lets the host flush it ([`Runtime::yield_now`]), and keeps it to be
/// finished by a later `next_page`. Wakeups until then go to the current task, which is
/// harmless: the next call polls it again.
///
/// [`Runtime::yield_now`]: super::transport::Runtime::yield_now
async fn start<Q: PageQuery>(
    walker: &Rc<RefCell<Walk<Q>>>,
    client: &DirectoryClient,
    token: Option<String>,
) -> Ahead<Q::Page> {
    let Ok(query) = walker.try_borrow().map(|w| w.query.clone()) else {
        return Ahead::Done(Err(busy()));
    };
    let hook = early_hook(walker, client, token.clone());
    let c = client.clone();
    let fut: LocalBoxFuture<'static, _> =
        Box::pin(async move { query.fetch(&c, token.as_deref(), Some(&*hook)).await });
    let mut fut = Some(fut);
    let ahead = poll_fn(move |cx| match fut.take() {
        Some(mut f) => Poll::Ready(match f.as_mut().poll(cx) {
            Poll::Ready(result) => Ahead::Done(result),
            Poll::Pending => Ahead::Pending(f),
        }),
        None => Poll::Pending, // polled once only: the first poll is always Ready
    })
    .await;
    if matches!(ahead, Ahead::Pending(_)) {
        client.runtime().yield_now().await;
    }
    ahead
}

/// The body hook of the request for `requested`'s page: from each 2xx body, the token of the
/// page after it ([`next_token_hint`]); unless that token would loop or is already requested,
/// sends its request (see [`start`]) and keeps it in the walker's `early` slot. Holds the walker
/// weakly: requests it started must not keep it alive.
fn early_hook<Q: PageQuery>(
    walker: &Rc<RefCell<Walk<Q>>>,
    client: &DirectoryClient,
    requested: Option<String>,
) -> Rc<BodyHook> {
    let walker: Weak<RefCell<Walk<Q>>> = Rc::downgrade(walker);
    let client = client.clone();
    Rc::new(move |body: &str| -> LocalBoxFuture<'static, ()> {
        let idle = || -> LocalBoxFuture<'static, ()> { Box::pin(std::future::ready(())) };
        let Some(hint) = next_token_hint(body) else {
            return idle();
        };
        let Some(w) = walker.upgrade() else {
            return idle();
        };
        // Only for the page a `next_page` call is reading: a request sent ahead that
        // is answered before anyone asks for its page must not send the one after it (that
        // would chain ahead without bound).
        let go = w.try_borrow().is_ok_and(|w| {
            w.prefetch
                && w.in_flight
                && w.next_token == requested
                && w.may_request(1)
                && requested.as_deref() != Some(hint)
                && !w.seen.contains(&token_hash(hint))
                && w.early.as_ref().is_none_or(|(t, _)| t != hint)
        });
        if !go {
            return idle();
        }
        let hint = hint.to_owned();
        let client = client.clone();
        Box::pin(async move {
            let ahead = start(&w, &client, Some(hint.clone())).await;
            if let Ok(mut w) = w.try_borrow_mut() {
                w.early = Some((hint, ahead));
            }
        })
    })
}

fn busy() -> DirectoryError {
    DirectoryError::invalid_argument("next_page called while a previous call is still pending")
}

/// Clears the walker's in-flight mark, also when the shared future is dropped.
struct InFlight<Q: PageQuery>(Rc<RefCell<Walk<Q>>>);

impl<Q: PageQuery> Drop for InFlight<Q> {
    fn drop(&mut self) {
        if let Ok(mut w) = self.0.try_borrow_mut() {
            w.in_flight = false;
        }
    }
}

/// A fixed-key SipHash of a page token: deterministic (no OS randomness, which the core avoids),
/// and a false "loop" would need a 64-bit collision among one walk's tokens.
fn token_hash(token: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    token.hash(&mut h);
    h.finish()
}
