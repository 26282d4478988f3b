//! Built-in Chinese questionnaires, one per respondent group, in the three
//! national families: 学生卷, 校长教师卷 and 社会卷.
//!
//! Every item is worded neutrally and asks one thing: no policy claim built
//! into the question (such as 不分快慢班 or 不公布分数), no two subjects
//! joined in one item. Each carries its content area (see [`Area`]) as its
//! topic; the few outside the inspection's areas (teachers' own conditions)
//! are diagnostic. A new round copies these texts; rounds already created
//! keep the questionnaires they were given.
//!
//! Items are kept in tables of (topic, text) so that groups of one family share
//! wording: teachers and principals answer the same items, and deputies, CPPCC
//! members and other citizens answer the same items. Parents answer the 社会卷
//! worded about their child's school instead of the county's schools in general.

use super::{
    area::Area,
    group::{Family, RespondentGroup},
    questionnaire::{Item, Questionnaire},
};

/// One scored item: (content area, text).
type Row = (&'static str, &'static str);

/// Where [`SOCIETY`] says `{学校}`: the parent's version.
const PARENT_SCHOOL: &str = "孩子所在学校";
/// Where [`SOCIETY`] says `{学校}`: the county-level version.
const COUNTY_SCHOOLS: &str = "本县义务教育学校";

/// 学生卷: simple wording for pupils aged about 9–15.
#[rustfmt::skip]
const STUDENT: &[Row] = &[
    ("教育公平", "你对老师公平对待每一位同学的情况满意吗？"),
    ("教育公平", "你对学校关心有困难同学的情况满意吗？"),
    ("优质资源共享", "你对学校和其他学校一起开展活动的情况满意吗？"),
    ("规范办学", "你对学校分班的做法满意吗？"),
    ("素质教育", "你对学校的体育活动满意吗？"),
    ("素质教育", "你对学校的艺术活动满意吗？"),
    ("素质教育", "你对学校的劳动实践活动满意吗？"),
    ("素质教育", "你对学校帮助同学们解决烦恼的情况满意吗？"),
    ("考试评价改革", "你对学校评价同学们的方式满意吗？"),
    ("教育质量", "你对老师上课讲解的清楚程度满意吗？"),
    ("立德树人", "你对学校教大家做人做事的情况满意吗？"),
    ("减轻过重课业负担", "你对每天的家庭作业量满意吗？"),
    ("减轻过重课业负担", "你对每天的睡眠时间满意吗？"),
    ("减轻过重课业负担", "你对学校的课后服务满意吗？"),
    ("教育质量", "你对自己在学校的学习生活总体上满意吗？"),
];

/// 校长教师卷: the county's policies and the respondent's own school. The
/// last three ask about teachers' own conditions, outside the inspection's
/// content areas: diagnostic.
#[rustfmt::skip]
const STAFF: &[Row] = &[
    ("教育公平", "您对本县义务教育招生入学工作的公平程度是否满意？"),
    ("教育公平", "您对本县保障困难群体学生平等接受义务教育的情况是否满意？"),
    ("优质资源共享", "您对本县城乡学校之间共享优质教育资源的情况是否满意？"),
    ("规范办学", "您对本县义务教育学校办学行为的规范程度是否满意？"),
    ("素质教育", "您对本校开展体育工作的情况是否满意？"),
    ("素质教育", "您对本校开展美育工作的情况是否满意？"),
    ("素质教育", "您对本校开展劳动教育的情况是否满意？"),
    ("考试评价改革", "您对本县评价学校工作的方式是否满意？"),
    ("教育质量", "您对本校的教育教学质量是否满意？"),
    ("立德树人", "您对本校开展德育工作的情况是否满意？"),
    ("减轻过重课业负担", "您对本校作业管理的情况是否满意？"),
    ("教师队伍", "您对本县教师工资待遇的保障情况是否满意？"),
    ("教师队伍", "您对本县教师培训的情况是否满意？"),
    ("教师队伍", "您对本县减轻教师非教学负担的情况是否满意？"),
];

/// 社会卷: `{学校}` becomes [`PARENT_SCHOOL`] or [`COUNTY_SCHOOLS`].
#[rustfmt::skip]
const SOCIETY: &[Row] = &[
    ("教育公平", "您对本县义务教育招生入学工作的公平程度是否满意？"),
    ("教育公平", "您对本县关心帮助困难家庭学生的情况是否满意？"),
    ("优质资源共享", "您对本县城乡学校之间共享优质教育资源的情况是否满意？"),
    ("规范办学", "您对{学校}编班的做法是否满意？"),
    ("规范办学", "您对{学校}收费管理的情况是否满意？"),
    ("素质教育", "您对{学校}开展体育活动的情况是否满意？"),
    ("素质教育", "您对{学校}开展艺术教育的情况是否满意？"),
    ("素质教育", "您对{学校}开展劳动教育的情况是否满意？"),
    ("素质教育", "您对{学校}关心学生心理健康的情况是否满意？"),
    ("考试评价改革", "您对{学校}评价学生的方式是否满意？"),
    ("教育质量", "您对{学校}的教育教学质量是否满意？"),
    ("立德树人", "您对{学校}开展品德教育的情况是否满意？"),
    ("减轻过重课业负担", "您对{学校}布置的作业量是否满意？"),
    ("减轻过重课业负担", "您对{学校}提供的课后服务是否满意？"),
];

/// Intro for adults: purpose, anonymity, about two minutes, honest answers.
const INTRO_ADULT: &str = "为了解大家对本县义务教育优质均衡发展工作的评价，我们开展本次社会认可度调查。\
本问卷匿名填写，不记录姓名、电话等个人信息，大约需要两分钟。\
请根据您的真实感受如实作答，不了解的情况请选择“不了解”。感谢您的支持！";

/// The same intro in words a pupil understands.
const INTRO_STUDENT: &str = "同学你好！为了解同学们对学校的看法，帮助学校把工作做得更好，我们开展这次调查。\
问卷不用写名字，不记录姓名、电话等个人信息，大约需要两分钟。\
请按照自己的真实想法作答，不知道的可以选“不了解”。谢谢你！";

/// The closing optional comment for adults.
const COMMENT_ADULT: &str = "您对本县（学校）义务教育工作还有什么意见或建议？（选填）";
/// The closing optional comment for students.
const COMMENT_STUDENT: &str = "你对学校还有什么意见或建议？（选填）";

/// The built-in Chinese questionnaire for `group`: context items first (`c1`…),
/// then the scored items (`q1`…), then one optional comment (`t1`).
pub fn template(group: RespondentGroup) -> Questionnaire {
    let (rows, school, intro, comment, context) = match group.family() {
        Family::Student => {
            let grades = ["小学三至四年级", "小学五至六年级", "初中"];
            let c = Item::context("c1", "你所在的年级段", &grades);
            (STUDENT, "", INTRO_STUDENT, COMMENT_STUDENT, c)
        }
        Family::Staff => {
            let stages = ["小学", "初中", "九年一贯制"];
            let c = Item::context("c1", "您任教（任职）的学段", &stages);
            (STAFF, "", INTRO_ADULT, COMMENT_ADULT, c)
        }
        Family::Society if group.is_school_bound() => {
            let c = Item::context("c1", "您的孩子就读学段", &["小学", "初中"]);
            (SOCIETY, PARENT_SCHOOL, INTRO_ADULT, COMMENT_ADULT, c)
        }
        Family::Society => {
            let c = Item::context("c1", "您居住在", &["城区", "镇区", "乡村"]);
            (SOCIETY, COUNTY_SCHOOLS, INTRO_ADULT, COMMENT_ADULT, c)
        }
    };
    let scored = rows.iter().enumerate().map(|(n, (topic, text))| {
        let mut item = Item::scored(
            &format!("q{}", n + 1),
            topic,
            &text.replace("{学校}", school),
        );
        // Built-in items outside the inspection's named areas are diagnostic.
        item.diagnostic = Area::from_topic(topic).is_none();
        item
    });
    let mut items = vec![context];
    items.extend(scored);
    items.push(Item::comment("t1", comment));
    Questionnaire {
        title: format!(
            "义务教育优质均衡发展社会认可度调查问卷（{}）",
            volume(group)
        ),
        intro: intro.to_string(),
        items,
    }
}

/// The volume name shown in the title, e.g. 家长卷.
fn volume(group: RespondentGroup) -> &'static str {
    match group {
        RespondentGroup::Student => "学生卷",
        RespondentGroup::Parent => "家长卷",
        RespondentGroup::Teacher => "教师卷",
        RespondentGroup::Principal => "校长卷",
        RespondentGroup::Deputy => "人大代表卷",
        RespondentGroup::CppccMember => "政协委员卷",
        RespondentGroup::Citizen => "群众卷",
    }
}

#[cfg(test)]
mod tests {
    use super::super::questionnaire::ItemKind;
    use super::*;
    use std::collections::HashSet;

    const COUNTY: [RespondentGroup; 3] = [
        RespondentGroup::Deputy,
        RespondentGroup::CppccMember,
        RespondentGroup::Citizen,
    ];

    #[test]
    fn every_template_is_sound() {
        for g in RespondentGroup::ALL {
            let q = template(g);
            assert_eq!(q.validate(), Ok(()), "{g}");
            let scored = q.scored_items().count();
            // A parent must finish in about two minutes.
            assert!((10..=15).contains(&scored), "{g}: {scored} scored items");
            let ids: HashSet<_> = q.items.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(ids.len(), q.items.len(), "{g}: duplicate ids");
            let texts: HashSet<_> = q.items.iter().map(|i| i.text.as_str()).collect();
            assert_eq!(texts.len(), q.items.len(), "{g}: duplicate wording");
            assert!(q.title.contains("社会认可度") && q.title.contains(volume(g)));
            assert!(q.intro.contains("不记录姓名、电话等个人信息"), "{g}");
            assert!(q.intro.contains("两分钟"), "{g}");
        }
    }

    #[test]
    fn context_then_scored_then_one_optional_comment() {
        for g in RespondentGroup::ALL {
            let q = template(g);
            let kinds: Vec<_> = q.items.iter().map(|i| i.kind).collect();
            assert_eq!(kinds[0], ItemKind::Context, "{g}");
            let mut sorted = kinds.clone();
            sorted.sort_by_key(|k| match k {
                ItemKind::Context => 0,
                ItemKind::Scored => 1,
                ItemKind::Text => 2,
            });
            assert_eq!(kinds, sorted, "{g}: items out of order");
            let texts: Vec<_> = q
                .items
                .iter()
                .filter(|i| i.kind == ItemKind::Text)
                .collect();
            assert_eq!(texts.len(), 1, "{g}");
            let last = q.items.last().unwrap();
            assert_eq!(last.kind, ItemKind::Text, "{g}");
            assert!(!last.required, "{g}");
            assert!(
                q.items
                    .iter()
                    .filter(|i| i.kind != ItemKind::Text)
                    .all(|i| i.required)
            );
            for (n, item) in q.scored_items().enumerate() {
                assert_eq!(item.id, format!("q{}", n + 1), "{g}");
                assert!(item.topic.as_deref().is_some_and(|t| !t.is_empty()));
                assert!(item.text.ends_with('？') && !item.text.contains('{'));
            }
        }
    }

    #[test]
    fn county_groups_are_asked_where_they_live() {
        for g in COUNTY {
            let q = template(g);
            let loc = q
                .items
                .iter()
                .find(|i| i.kind == ItemKind::Context && i.text.contains("居住"))
                .unwrap_or_else(|| panic!("{g}: no location item"));
            let labels: Vec<_> = loc.options.iter().map(|o| o.label.as_str()).collect();
            assert_eq!(labels, ["城区", "镇区", "乡村"], "{g}");
        }
    }

    #[test]
    fn families_share_wording() {
        let items = |g| template(g).items;
        assert_eq!(
            items(RespondentGroup::Deputy),
            items(RespondentGroup::CppccMember)
        );
        assert_eq!(
            items(RespondentGroup::Deputy),
            items(RespondentGroup::Citizen)
        );
        assert_eq!(
            items(RespondentGroup::Teacher),
            items(RespondentGroup::Principal)
        );
        let topics = |g| {
            template(g)
                .scored_items()
                .map(|i| i.topic.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            topics(RespondentGroup::Parent),
            topics(RespondentGroup::Deputy)
        );
    }

    #[test]
    fn parents_are_asked_about_their_childs_school() {
        let parent = template(RespondentGroup::Parent);
        assert!(parent.items[0].text.contains("孩子"));
        assert!(
            parent
                .scored_items()
                .any(|i| i.text.contains(PARENT_SCHOOL))
        );
        for g in COUNTY {
            let q = template(g);
            assert!(q.scored_items().all(|i| !i.text.contains(PARENT_SCHOOL)));
            assert!(q.scored_items().any(|i| i.text.contains(COUNTY_SCHOOLS)));
        }
    }

    #[test]
    fn all_domain_topics_are_covered() {
        for g in RespondentGroup::ALL {
            let q = template(g);
            for a in Area::ALL {
                assert!(
                    q.scored_items()
                        .any(|i| i.topic.as_deref() == Some(a.label_zh()) && !i.diagnostic),
                    "{g}: area {} missing",
                    a.label_zh()
                );
            }
        }
    }

    #[test]
    fn every_scored_item_has_a_named_area_or_is_diagnostic() {
        for g in RespondentGroup::ALL {
            for i in template(g).scored_items() {
                let area = i.topic.as_deref().and_then(Area::from_topic);
                assert!(
                    area.is_some() != i.diagnostic,
                    "{g} {}: area {:?}, diagnostic {}",
                    i.id,
                    i.topic,
                    i.diagnostic
                );
                assert_eq!(
                    area.map(|a| a.label_zh()),
                    i.topic.as_deref().filter(|_| !i.diagnostic)
                );
            }
        }
        let staff = template(RespondentGroup::Teacher);
        let diagnostic: Vec<&str> = staff
            .scored_items()
            .filter(|i| i.diagnostic)
            .map(|i| i.text.as_str())
            .collect();
        assert_eq!(diagnostic.len(), 3, "{diagnostic:?}");
        assert!(diagnostic.iter().any(|t| t.contains("工资待遇")));
        assert!(diagnostic.iter().any(|t| t.contains("培训")));
    }

    /// Policy claims that earlier items built into the question: an item
    /// asks how satisfied one is, it does not say what the school does.
    const CLAIMS: [&str; 10] = [
        "不分快慢班",
        "快慢班",
        "重点班",
        "不公布",
        "考试次数不多",
        "不乱收费",
        "不随意",
        "不占用",
        "不以升学率",
        "不单纯以分数",
    ];

    #[test]
    fn items_are_neutral_and_ask_one_thing() {
        for g in RespondentGroup::ALL {
            for i in template(g).scored_items() {
                // 、 lists two or more subjects in one question.
                assert!(!i.text.contains('、'), "{g} {}: {}", i.id, i.text);
                for c in CLAIMS {
                    assert!(!i.text.contains(c), "{g} {}: claims {c}: {}", i.id, i.text);
                }
                // Physical, arts and labour education are asked separately.
                let joined = ["体育", "美育", "劳动"]
                    .iter()
                    .filter(|w| i.text.contains(*w))
                    .count();
                assert!(joined <= 1, "{g} {}: {}", i.id, i.text);
            }
        }
    }
}
