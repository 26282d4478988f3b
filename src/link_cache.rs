//! What the respondent's pages and submissions read about a link, kept in
//! memory so that a busy evening does not ask the database the same five
//! questions for every phone.
//!
//! - A round's questionnaires are frozen when it opens and never change
//!   again, so they are kept for good (only those of rounds that have
//!   opened: a draft's questionnaire is never read from here). So are its
//!   additional languages and which of them are complete (translations
//!   freeze with the round).
//! - A link's context (link, round, school) and whether it needs access
//!   codes can change (an organiser closes the round, disables a link,
//!   renames a school). Such a change is committed together with one more
//!   on the links' shared generation (`store::generations`), and drops
//!   every context at once on the instance that made it. Every instance
//!   reads the generation each [`GENERATION_POLL`] and forgets its
//!   contexts when it moved, so another instance behind the same proxy
//!   sees the change within about two polls. While those reads succeed a
//!   context is kept up to [`WATCHED_TTL`]; when they fail (the database
//!   is away) only for [`CONTEXT_TTL`].
//!
//! A province's 6,000 links answered at random are each fetched every few
//! seconds; with only the 3-s lifetime nearly every fetch asked the
//! database again (bench/README.md, "A province in one deployment").

use bytes::Bytes;
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, MutexGuard, OnceLock,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::{Duration, Instant},
};

use crate::{
    domain::{group::RespondentGroup, questionnaire::Questionnaire, round::Scale},
    store::links::LinkContext,
};

/// How long a link's context is trusted while the shared generation could
/// not be read lately.
pub const CONTEXT_TTL: Duration = Duration::from_secs(3);

/// How long a link's context is trusted while the generation is read: every
/// change made through renke reaches each instance through it, so this
/// bounds only what a change made behind renke's back (SQL by hand) takes
/// to show.
pub const WATCHED_TTL: Duration = Duration::from_secs(600);

/// How often each instance reads the links' shared generation.
pub const GENERATION_POLL: Duration = Duration::from_secs(1);

/// How long one successful read of the generation vouches for the cache:
/// two polls, so that one slow read does not shorten every lifetime.
const WATCH_SPAN: Duration = Duration::from_secs(2);

/// Most link contexts kept; beyond it the oldest half is dropped.
const MAX_LINKS: usize = 20_000;

/// A link as the respondent's side needs it.
#[derive(Debug, Clone)]
pub struct CachedLink {
    pub ctx: LinkContext,
    /// Whether submissions must carry a one-time access code.
    pub codes_required: bool,
    /// The round's answer scale (which option is the middle one).
    pub scale: Scale,
    /// The round's additional languages (frozen with the round).
    pub languages: Vec<String>,
    /// Those whose translation is complete: the ones respondents are offered.
    pub offered: Vec<String>,
    /// The link's questionnaire as the public JSON API sends it, made by
    /// the first request that needs it (the questionnaire is frozen, the
    /// rest is this entry's context).
    pub public_json: OnceLock<Bytes>,
}

/// A round's additional languages, and those complete enough to offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundLanguages {
    pub languages: Vec<String>,
    pub offered: Vec<String>,
}

/// The link contexts, and what decides how long they are trusted.
#[derive(Default)]
struct Links {
    by_token: HashMap<String, (Instant, Arc<CachedLink>)>,
    /// One more every time the contexts are forgotten: a context read from
    /// the database before that is not kept (it may predate the change).
    epoch: u64,
    /// The shared generation last read, if any.
    generation: Option<i64>,
    /// Until when that read vouches for the contexts (see [`WATCH_SPAN`]).
    watched_until: Option<Instant>,
}

impl Links {
    fn forget(&mut self) {
        self.by_token.clear();
        self.epoch += 1;
    }
}

#[derive(Default)]
pub struct LinkCache {
    /// Languages of rounds that have opened (frozen), by round.
    languages: Mutex<HashMap<i64, Arc<RoundLanguages>>>,
    links: Mutex<Links>,
    hits: AtomicU64,
    misses: AtomicU64,
    questionnaires: Mutex<HashMap<(i64, RespondentGroup), Arc<Questionnaire>>>,
    /// Frozen questionnaires in an additional language, by language tag.
    translated: Mutex<HashMap<(i64, RespondentGroup, String), Arc<Questionnaire>>>,
}

/// A poisoned lock only means another request panicked while holding it;
/// the map itself is still a valid cache.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl LinkCache {
    /// The link behind a token, if its context is still trusted.
    pub fn link(&self, token: &str) -> Option<Arc<CachedLink>> {
        let found = {
            let links = lock(&self.links);
            let watched = links.watched_until.is_some_and(|t| Instant::now() < t);
            let ttl = if watched { WATCHED_TTL } else { CONTEXT_TTL };
            links
                .by_token
                .get(token)
                .filter(|(at, _)| at.elapsed() < ttl)
                .map(|(_, link)| link.clone())
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Relaxed);
        found
    }

    /// Where the cache stands; read it before reading a context from the
    /// database, and hand it to [`LinkCache::put_link`].
    pub fn epoch(&self) -> u64 {
        lock(&self.links).epoch
    }

    /// Keeps a context read from the database since `epoch`, unless the
    /// contexts were forgotten meanwhile (then it is only returned).
    pub fn put_link(&self, token: &str, link: CachedLink, epoch: u64) -> Arc<CachedLink> {
        let link = Arc::new(link);
        let mut links = lock(&self.links);
        if links.epoch != epoch {
            return link;
        }
        if links.by_token.len() >= MAX_LINKS {
            let mut ages: Vec<Instant> = links.by_token.values().map(|(at, _)| *at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            links.by_token.retain(|_, (at, _)| *at > cut);
        }
        links
            .by_token
            .insert(token.to_string(), (Instant::now(), link.clone()));
        link
    }

    /// The links' shared generation as just read from the database: the
    /// contexts are forgotten when it moved (or on the first read, which
    /// has nothing to compare with), and trusted longer for a while.
    pub fn observe_generation(&self, generation: i64) {
        let mut links = lock(&self.links);
        if links.generation != Some(generation) {
            links.forget();
            links.generation = Some(generation);
        }
        links.watched_until = Some(Instant::now() + WATCH_SPAN);
    }

    /// Lookups answered from memory and those that asked the database.
    pub fn lookups(&self) -> (u64, u64) {
        (self.hits.load(Relaxed), self.misses.load(Relaxed))
    }

    /// The frozen questionnaire of a group in a round that has opened.
    pub fn questionnaire(
        &self,
        round_id: i64,
        group: RespondentGroup,
    ) -> Option<Arc<Questionnaire>> {
        lock(&self.questionnaires).get(&(round_id, group)).cloned()
    }

    /// Keeps a questionnaire; call only for rounds that have opened.
    pub fn put_questionnaire(
        &self,
        round_id: i64,
        group: RespondentGroup,
        q: Questionnaire,
    ) -> Arc<Questionnaire> {
        let q = Arc::new(q);
        lock(&self.questionnaires).insert((round_id, group), q.clone());
        q
    }

    /// The frozen questionnaire of a group in a round that has opened, in
    /// one of the round's additional languages.
    pub fn translated(
        &self,
        round_id: i64,
        group: RespondentGroup,
        tag: &str,
    ) -> Option<Arc<Questionnaire>> {
        lock(&self.translated)
            .get(&(round_id, group, tag.to_string()))
            .cloned()
    }

    /// Keeps a translated questionnaire; call only for rounds that have
    /// opened (translations freeze with the round).
    pub fn put_translated(
        &self,
        round_id: i64,
        group: RespondentGroup,
        tag: &str,
        q: Questionnaire,
    ) -> Arc<Questionnaire> {
        let q = Arc::new(q);
        lock(&self.translated).insert((round_id, group, tag.to_string()), q.clone());
        q
    }

    /// The frozen languages of a round that has opened.
    pub fn round_languages(&self, round_id: i64) -> Option<Arc<RoundLanguages>> {
        lock(&self.languages).get(&round_id).cloned()
    }

    /// Keeps a round's languages; call only for rounds that have opened.
    pub fn put_round_languages(&self, round_id: i64, l: RoundLanguages) -> Arc<RoundLanguages> {
        let l = Arc::new(l);
        lock(&self.languages).insert(round_id, l.clone());
        l
    }

    /// Forgets every link context (a round, link or access codes changed).
    /// Questionnaires stay: once frozen they cannot change.
    pub fn links_changed(&self) {
        lock(&self.links).forget();
    }
}
