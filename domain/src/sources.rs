//! Where responses came from, as the report shows it: a phone (web), a
//! paper sheet keyed once, a paper sheet keyed twice (double entry, counted
//! once agreed or resolved), an on-site interview. Finer than the stored
//! collection mode: paper is split by how its sheets were entered.

use super::collection::{CollectionMode, ModeClass, ModeRate, rates_by_mode};
use super::round::ScoringRule;

/// A source of responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Web,
    PaperSingle,
    PaperDouble,
    Interview,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Self::Web,
        Self::PaperSingle,
        Self::PaperDouble,
        Self::Interview,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::PaperSingle => "paper_single",
            Self::PaperDouble => "paper_double",
            Self::Interview => "interview",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Web => "手机扫码填写",
            Self::PaperSingle => "纸质问卷（单遍录入）",
            Self::PaperDouble => "纸质问卷（双遍录入）",
            Self::Interview => "现场访谈",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Web => "Phone (QR code)",
            Self::PaperSingle => "Paper, keyed once",
            Self::PaperDouble => "Paper, keyed twice",
            Self::Interview => "On-site interview",
        }
    }
}

/// One source's counts and rate.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRate {
    pub source: Source,
    pub rate: ModeRate,
}

/// `classes` less `part` (the same responses, a subset), class by class.
fn minus(classes: &[ModeClass], part: &[ModeClass]) -> Vec<ModeClass> {
    classes
        .iter()
        .map(|c| {
            let mut c = *c;
            for p in part
                .iter()
                .filter(|p| p.mode == c.mode && p.valid == c.valid && p.judged == c.judged)
            {
                c.responses = (c.responses - p.responses).max(0);
                c.recognised = (c.recognised - p.recognised).max(0);
                c.points = (c.points - p.points).max(0);
                c.points_sq = (c.points_sq - p.points_sq).max(0);
            }
            c
        })
        .collect()
}

/// Counts and rates per source, every source listed: `classes` are the
/// round's responses by mode (see `rates_by_mode`), `double` those of
/// paper sheets keyed twice (mode paper).
pub fn rates_by_source(
    rule: &ScoringRule,
    min_n: u64,
    classes: &[ModeClass],
    double: &[ModeClass],
) -> Vec<SourceRate> {
    let by_mode = rates_by_mode(rule, min_n, classes);
    let single = minus(classes, double);
    let paper = |of: &[ModeClass]| {
        rates_by_mode(rule, min_n, of)
            .into_iter()
            .find(|r| r.mode == CollectionMode::Paper)
    };
    let of_mode = |m: CollectionMode| by_mode.iter().find(|r| r.mode == m).cloned();
    Source::ALL
        .into_iter()
        .filter_map(|source| {
            let rate = match source {
                Source::Web => of_mode(CollectionMode::Web),
                Source::PaperSingle => paper(&single),
                Source::PaperDouble => paper(double),
                Source::Interview => of_mode(CollectionMode::Interview),
            }?;
            Some(SourceRate { source, rate })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(mode: CollectionMode, valid: bool, judged: i64, n: i64, rec: i64) -> ModeClass {
        ModeClass {
            mode,
            valid,
            judged,
            responses: n,
            recognised: rec,
            points: 0,
            points_sq: 0,
        }
    }

    #[test]
    fn paper_splits_into_single_and_double_entry() {
        use CollectionMode::*;
        // Paper: 3 valid sheets judging 4 items (7 recognised in all), one
        // invalid. Of them, one valid sheet (4 of 4) was keyed twice.
        let classes = [
            class(Paper, true, 4, 3, 7),
            class(Paper, false, 4, 1, 0),
            class(Web, true, 2, 2, 2),
            class(Interview, true, 4, 1, 4),
        ];
        let double = [class(Paper, true, 4, 1, 4)];
        let rates = rates_by_source(&ScoringRule::default(), 30, &classes, &double);
        let codes: Vec<&str> = rates.iter().map(|r| r.source.code()).collect();
        assert_eq!(codes, ["web", "paper_single", "paper_double", "interview"]);
        let (single, twice) = (&rates[1].rate, &rates[2].rate);
        assert_eq!((single.responses, single.valid), (3, 2));
        // The two single sheets hold 3 of 8 answers recognised: the mean of
        // their shares (each judging 4 items) is 3/4 ÷ 2 = 3/8.
        assert!((single.estimate.rate.unwrap() - 3.0 / 8.0).abs() < 1e-12);
        assert_eq!((twice.responses, twice.valid), (1, 1));
        assert_eq!(twice.estimate.rate, Some(1.0));
        assert_eq!(rates[0].rate.responses, 2);
        assert_eq!(rates[3].rate.estimate.rate, Some(1.0));
        // Without double entry every sheet is single.
        let rates = rates_by_source(&ScoringRule::default(), 30, &classes, &[]);
        assert_eq!(rates[1].rate.responses, 4);
        assert_eq!(rates[2].rate.responses, 0);
    }
}
