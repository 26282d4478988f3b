//! The built-in answer scales, the two readings of a middle option, and the
//! questionnaires of a round built on its scale (with the overall item).

use super::{
    group::{Family, RespondentGroup},
    questionnaire::{ChoiceOption, Item, ItemKind, Questionnaire},
    round::{Formula, Reading, Scale, ScoringRule},
    templates,
};

/// Id of the overall-evaluation item the builder adds.
pub const OVERALL_ID: &str = "overall";

impl Scale {
    pub const ALL: [Scale; 3] = [Self::FiveGeneral, Self::FiveBasic, Self::FourBasic];

    pub fn code(self) -> &'static str {
        match self {
            Self::FiveGeneral => "five_general",
            Self::FiveBasic => "five_basic",
            Self::FourBasic => "four_basic",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == c)
    }

    /// The judged options, best first, then 不了解.
    pub fn labels(self) -> &'static [&'static str] {
        match self {
            Self::FiveGeneral => &["满意", "比较满意", "一般", "不满意", "不了解"],
            Self::FiveBasic => &["满意", "比较满意", "基本满意", "不满意", "不了解"],
            Self::FourBasic => &["满意", "基本满意", "不满意", "不了解"],
        }
    }

    /// The option whose reading is open: recognised or not.
    pub fn middle(self) -> &'static str {
        match self {
            Self::FiveGeneral => "一般",
            Self::FiveBasic | Self::FourBasic => "基本满意",
        }
    }

    /// Points of the best judged option; the worst gets 1, one apart.
    pub fn full_points(self) -> u8 {
        (self.labels().len() - 1) as u8
    }

    /// The reading a new round of this scale starts with: the published
    /// four-option scale passed "基本满意以上", the others count only the
    /// options above the middle one.
    pub fn default_reading(self) -> Reading {
        match self {
            Self::FourBasic => Reading::Loose,
            _ => Reading::Strict,
        }
    }

    /// The options of a scored item under `reading`. Points run from
    /// [`Scale::full_points`] down to 1 over the judged options.
    pub fn options(self, reading: Reading) -> Vec<ChoiceOption> {
        let labels = self.labels();
        let judged = labels.len() - 1;
        let middle = self.middle();
        labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let dont_know = i == judged;
                let above_middle = labels
                    .iter()
                    .position(|l| *l == middle)
                    .is_some_and(|m| i < m);
                ChoiceOption {
                    code: (i + 1) as u8,
                    label: label.to_string(),
                    recognised: above_middle || (*label == middle && reading == Reading::Loose),
                    dont_know,
                    points: (!dont_know).then(|| (judged - i) as u8),
                }
            })
            .collect()
    }

    pub fn label_zh(self) -> String {
        self.labels().join("／")
    }
}

impl ScoringRule {
    /// A new round's rule on `scale`: points and full marks from the scale.
    pub fn for_scale(formula: Formula, scale: Scale, reading: Reading) -> Self {
        Self {
            formula,
            group_weights: Default::default(),
            scale,
            reading,
            full_points: scale.full_points(),
        }
    }

    /// Whether `option` counts as recognised when the middle option is read
    /// by `reading`: under the round's own reading, as frozen; under the
    /// other, the scale's middle option is switched and nothing else.
    pub fn recognised_under(&self, option: &ChoiceOption, reading: Reading) -> bool {
        if reading == self.reading || option.dont_know || option.label != self.scale.middle() {
            option.recognised
        } else {
            reading == Reading::Loose
        }
    }

    /// Whether some scored option of `q` is this scale's middle option.
    pub fn has_middle(&self, q: &Questionnaire) -> bool {
        q.scored_items()
            .flat_map(|i| &i.options)
            .any(|o| !o.dont_know && o.label == self.scale.middle())
    }
}

/// The overall-evaluation item (总体评价) for a group.
pub fn overall_item(group: RespondentGroup, scale: Scale, reading: Reading) -> Item {
    let text = match group.family() {
        Family::Student => "总的来说，你对你的学校满意吗？",
        Family::Staff => "总体而言，您对本县义务教育优质均衡发展工作是否满意？",
        Family::Society if group.is_school_bound() => {
            "总体而言，您对孩子所在学校和本县义务教育工作是否满意？"
        }
        Family::Society => "总体而言，您对本县义务教育优质均衡发展工作是否满意？",
    };
    Item {
        id: OVERALL_ID.to_string(),
        kind: ItemKind::Scored,
        text: text.to_string(),
        topic: Some("总体评价".to_string()),
        required: true,
        options: scale.options(reading),
        diagnostic: false,
        overall: true,
    }
}

/// The questionnaire a new round gives `group`: the built-in template with
/// the round's scale on every scored item, and the overall item after the
/// scored items (before the closing comment).
pub fn questionnaire(group: RespondentGroup, rule: &ScoringRule) -> Questionnaire {
    let mut q = templates::template(group);
    conform(&mut q, rule);
    if !q.items.iter().any(|i| i.overall) {
        let at = q
            .items
            .iter()
            .rposition(|i| i.kind == ItemKind::Scored)
            .map_or(q.items.len(), |p| p + 1);
        q.items
            .insert(at, overall_item(group, rule.scale, rule.reading));
    }
    q
}

/// Puts every scored item of `q` on the rule's scale and reading (a draft
/// whose scale or reading changed). Items already on the scale keep their
/// option texts; only which options count and their points follow the rule.
pub fn conform(q: &mut Questionnaire, rule: &ScoringRule) {
    let options = rule.scale.options(rule.reading);
    for item in q.items.iter_mut().filter(|i| i.kind == ItemKind::Scored) {
        item.options = options.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_span_their_points_and_mark_the_middle_by_reading() {
        let o = Scale::FiveBasic.options(Reading::Strict);
        let got: Vec<_> = o
            .iter()
            .map(|o| (o.label.as_str(), o.recognised, o.dont_know, o.points))
            .collect();
        assert_eq!(
            got,
            [
                ("满意", true, false, Some(4)),
                ("比较满意", true, false, Some(3)),
                ("基本满意", false, false, Some(2)),
                ("不满意", false, false, Some(1)),
                ("不了解", false, true, None),
            ]
        );
        let loose = Scale::FourBasic.options(Reading::Loose);
        let got: Vec<_> = loose
            .iter()
            .map(|o| (o.label.as_str(), o.recognised, o.points))
            .collect();
        assert_eq!(
            got,
            [
                ("满意", true, Some(3)),
                ("基本满意", true, Some(2)),
                ("不满意", false, Some(1)),
                ("不了解", false, None),
            ]
        );
        assert_eq!(Scale::FiveGeneral.full_points(), 4);
        assert_eq!(Scale::FourBasic.full_points(), 3);
        assert_eq!(Scale::FourBasic.default_reading(), Reading::Loose);
    }

    #[test]
    fn every_group_gets_one_overall_item_on_the_round_scale() {
        let rule =
            ScoringRule::for_scale(Formula::ShareRecognised, Scale::FiveBasic, Reading::Strict);
        for g in RespondentGroup::ALL {
            let q = questionnaire(g, &rule);
            assert_eq!(q.validate(), Ok(()), "{g}");
            let overall: Vec<_> = q.items.iter().filter(|i| i.overall).collect();
            assert_eq!(overall.len(), 1, "{g}");
            assert_eq!(overall[0].kind, ItemKind::Scored);
            assert_eq!(q.items.last().map(|i| i.kind), Some(ItemKind::Text), "{g}");
            for item in q.scored_items() {
                let labels: Vec<_> = item.options.iter().map(|o| o.label.as_str()).collect();
                assert_eq!(labels, Scale::FiveBasic.labels(), "{g}");
            }
            assert!(rule.has_middle(&q));
        }
    }

    #[test]
    fn the_other_reading_switches_only_the_middle_option() {
        let rule = ScoringRule::for_scale(
            Formula::ShareRecognised,
            Scale::FiveGeneral,
            Reading::Strict,
        );
        let o = Scale::FiveGeneral.options(Reading::Strict);
        let under = |r| {
            o.iter()
                .map(|x| rule.recognised_under(x, r))
                .collect::<Vec<_>>()
        };
        assert_eq!(under(Reading::Strict), [true, true, false, false, false]);
        assert_eq!(under(Reading::Loose), [true, true, true, false, false]);
    }
}
