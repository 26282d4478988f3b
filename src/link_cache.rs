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
//!   codes can change (an organiser closes the round or disables a link).
//!   They are kept for [`CONTEXT_TTL`], and dropped at once on this
//!   instance when an organiser changes a round, a link or its codes.
//!   Another instance behind the same proxy sees such a change within
//!   [`CONTEXT_TTL`].

use bytes::Bytes;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, OnceLock},
    time::{Duration, Instant},
};

use crate::{
    domain::{group::RespondentGroup, questionnaire::Questionnaire, round::Scale},
    store::links::LinkContext,
};

/// How long a link's context is trusted without asking the database.
pub const CONTEXT_TTL: Duration = Duration::from_secs(3);

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

#[derive(Default)]
pub struct LinkCache {
    /// Languages of rounds that have opened (frozen), by round.
    languages: Mutex<HashMap<i64, Arc<RoundLanguages>>>,
    links: Mutex<HashMap<String, (Instant, Arc<CachedLink>)>>,
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
    /// The link behind a token, if seen less than [`CONTEXT_TTL`] ago.
    pub fn link(&self, token: &str) -> Option<Arc<CachedLink>> {
        let links = lock(&self.links);
        let (at, link) = links.get(token)?;
        (at.elapsed() < CONTEXT_TTL).then(|| link.clone())
    }

    pub fn put_link(&self, token: &str, link: CachedLink) -> Arc<CachedLink> {
        let link = Arc::new(link);
        let mut links = lock(&self.links);
        if links.len() >= MAX_LINKS {
            let mut ages: Vec<Instant> = links.values().map(|(at, _)| *at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            links.retain(|_, (at, _)| *at > cut);
        }
        links.insert(token.to_string(), (Instant::now(), link.clone()));
        link
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
        lock(&self.links).clear();
    }
}
