//! Built-in Chinese questionnaires, one per respondent group, in the three
//! national families: 学生卷, 校长教师卷 and 社会卷.
//!
//! Items are kept in tables of (topic, text) so that groups of one family share
//! wording: teachers and principals answer the same items, and deputies, CPPCC
//! members and other citizens answer the same items. Parents answer the 社会卷
//! worded about their child's school instead of the county's schools in general.

use super::{
    group::{Family, RespondentGroup},
    questionnaire::{Item, Questionnaire},
};

/// One scored item: (topic, text).
type Row = (&'static str, &'static str);

/// Where [`SOCIETY`] says `{学校}`: the parent's version.
const PARENT_SCHOOL: &str = "孩子所在学校";
/// Where [`SOCIETY`] says `{学校}`: the county-level version.
const COUNTY_SCHOOLS: &str = "本县义务教育学校";

/// 学生卷: simple wording for pupils aged about 9–15.
#[rustfmt::skip]
const STUDENT: &[Row] = &[
    ("教育公平", "你对老师公平对待、关心每一位同学的情况满意吗？"),
    ("教育公平", "你对学校关心照顾有困难的同学（如父母在外打工、身体有残疾的同学）的情况满意吗？"),
    ("资源共享", "你对学校和其他学校一起开展活动、请外校好老师来上课的情况满意吗？"),
    ("规范办学", "你对学校不分快慢班、重点班的做法满意吗？"),
    ("规范办学", "你对学校上好每一门课、不占用体育音乐美术课的情况满意吗？"),
    ("素质教育", "你对学校的体育课和每天的体育锻炼满意吗？"),
    ("素质教育", "你对学校的音乐、美术课和劳动实践活动满意吗？"),
    ("素质教育", "你对学校关心同学们的心情、帮助大家解决烦恼的情况满意吗？"),
    ("素质教育", "你对学校放学后的课后服务（如作业辅导、兴趣小组）满意吗？"),
    ("评价改革", "你对学校考试次数不多、不公布分数和名次的做法满意吗？"),
    ("教育质量", "你对老师上课讲得清楚、让你学有收获的情况满意吗？"),
    ("立德树人", "你对学校教大家做人做事、养成好习惯的情况满意吗？"),
    ("减负", "你对每天的家庭作业量满意吗？"),
    ("减负", "你对学校合理安排作息、让你每天能睡够觉的情况满意吗？"),
    ("教育质量", "你对自己在学校的学习和生活总体上满意吗？"),
];

/// 校长教师卷: the county's policies and the respondent's own school.
#[rustfmt::skip]
const STAFF: &[Row] = &[
    ("教育公平", "您对本县落实免试就近入学、均衡编班等招生入学政策的情况是否满意？"),
    ("教育公平", "您对本县保障随迁子女、留守儿童、残疾儿童等群体平等接受义务教育的情况是否满意？"),
    ("资源共享", "您对本县推进集团化办学、学区化管理，促进优质教育资源共享的情况是否满意？"),
    ("资源共享", "您对本县推进校长教师交流轮岗的情况是否满意？"),
    ("规范办学", "您对本县规范义务教育学校招生、收费和课程设置等办学行为的情况是否满意？"),
    ("素质教育", "您对本校开展体育、美育、劳动教育和心理健康教育的情况是否满意？"),
    ("素质教育", "您对本校开展课后服务及相关经费、补助保障的情况是否满意？"),
    ("评价改革", "您对本县推进考试评价改革、不以升学率评价学校和教师的情况是否满意？"),
    ("评价改革", "您对本校作业管理和考试管理的情况是否满意？"),
    ("教育质量", "您对本校的教育教学质量是否满意？"),
    ("立德树人", "您对本校落实立德树人根本任务、开展德育工作的情况是否满意？"),
    ("减负", "您对本校落实“双减”政策、减轻学生过重课业负担的情况是否满意？"),
    ("教师队伍", "您对本县保障教师工资待遇（平均工资收入不低于当地公务员）的情况是否满意？"),
    ("教师队伍", "您对本县开展教师培训、支持教师专业发展的情况是否满意？"),
    ("教师队伍", "您对本县推进校长职级制改革、选拔任用校长的情况是否满意？"),
    ("教师队伍", "您对本县减轻中小学教师非教学负担的情况是否满意？"),
];

/// 社会卷: `{学校}` becomes [`PARENT_SCHOOL`] or [`COUNTY_SCHOOLS`].
#[rustfmt::skip]
const SOCIETY: &[Row] = &[
    ("教育公平", "您对本县落实免试就近入学、公办民办学校同步招生等入学政策的情况是否满意？"),
    ("教育公平", "您对本县保障进城务工人员随迁子女平等接受义务教育的情况是否满意？"),
    ("教育公平", "您对本县关爱农村留守儿童、保障残疾儿童少年上学的情况是否满意？"),
    ("资源共享", "您对本县通过集团化办学等方式，让更多孩子在家门口上好学校的情况是否满意？"),
    ("资源共享", "您对本县推动校长、教师在城乡学校之间交流轮岗的情况是否满意？"),
    ("规范办学", "您对{学校}均衡编班、不设重点班和快慢班的情况是否满意？"),
    ("规范办学", "您对{学校}规范收费、不乱收费的情况是否满意？"),
    ("规范办学", "您对{学校}开齐开足国家规定课程、不随意增减课时的情况是否满意？"),
    ("素质教育", "您对{学校}开展体育、美育和劳动教育的情况是否满意？"),
    ("素质教育", "您对{学校}关注学生心理健康的情况是否满意？"),
    ("素质教育", "您对{学校}提供课后服务的情况（时间、内容和效果）是否满意？"),
    ("评价改革", "您对{学校}不公布学生考试成绩和排名、不单纯以分数评价学生的情况是否满意？"),
    ("教育质量", "您对{学校}的教育教学质量是否满意？"),
    ("教育质量", "您对{学校}教师的师德师风和教学水平是否满意？"),
    ("立德树人", "您对{学校}开展思想品德教育、培养学生良好行为习惯的情况是否满意？"),
    ("减负", "您对{学校}落实“双减”政策、控制作业总量的情况是否满意？"),
    ("减负", "您对{学校}保障学生睡眠时间、减轻过重课业负担的情况是否满意？"),
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
        Item::scored(
            &format!("q{}", n + 1),
            topic,
            &text.replace("{学校}", school),
        )
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
            assert!((10..=20).contains(&scored), "{g}: {scored} scored items");
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
        let wanted = [
            "教育公平",
            "资源共享",
            "规范办学",
            "素质教育",
            "评价改革",
            "教育质量",
            "立德树人",
            "减负",
        ];
        for g in RespondentGroup::ALL {
            let q = template(g);
            for t in wanted {
                assert!(
                    q.scored_items().any(|i| i.topic.as_deref() == Some(t)),
                    "{g}: topic {t} missing"
                );
            }
        }
    }
}
