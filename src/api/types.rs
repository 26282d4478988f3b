//! API mirrors of the domain enums (the domain stays free of web types),
//! and DTOs shared by several areas.

use poem_openapi::Object;

use crate::{
    auth::Role,
    domain::{
        group::RespondentGroup,
        questionnaire::{ChoiceOption, Item, ItemKind, Questionnaire},
        round::{DuplicatePolicy, Formula, Purpose, Reading, RoundStatus, Scale},
        school::{Location, SchoolKind},
        submission::Validity,
    },
    store::links::LinkRow,
};

/// Declares an API enum with the same variants as a domain enum, and the
/// conversions both ways.
macro_rules! mirror_enum {
    ($(#[$m:meta])* $api:ident <=> $dom:ty { $($v:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
        #[oai(rename_all = "snake_case")]
        pub enum $api { $($v),* }
        impl From<$dom> for $api {
            fn from(d: $dom) -> Self { match d { $(<$dom>::$v => Self::$v),* } }
        }
        impl From<$api> for $dom {
            fn from(a: $api) -> Self { match a { $($api::$v => <$dom>::$v),* } }
        }
    };
}

mirror_enum!(
    /// Respondent group: student 学生, parent 家长, teacher 教师, principal 校长,
    /// deputy 人大代表, cppcc_member 政协委员, citizen 其他群众.
    GroupDto <=> RespondentGroup { Student, Parent, Teacher, Principal, Deputy, CppccMember, Citizen }
);
mirror_enum!(
    /// Account role: admin ⊇ organiser ⊇ reviewer ⊇ clerk ⊇ interviewer ⊇
    /// liaison (录入员: keys paper sheets of its assigned rounds; 访谈员:
    /// uploads on-site interviews for its assigned links; 学校联络员: runs
    /// computer-room sessions for its assigned schools; none reads results).
    RoleDto <=> Role { Liaison, Interviewer, Clerk, Reviewer, Organiser, Admin }
);
mirror_enum!(
    /// School kind: primary 小学, junior 初中, nine_year 九年一贯制, twelve_year
    /// 十二年一贯制, complete 完全中学, special 特殊教育学校.
    SchoolKindDto <=> SchoolKind { Primary, Junior, NineYear, TwelveYear, Complete, Special }
);
mirror_enum!(
    /// Location: urban 城区, town 镇区, rural 乡村.
    LocationDto <=> Location { Urban, Town, Rural }
);
mirror_enum!(
    /// Purpose: self_assessment 县级自评, prefecture_review 州（市）复核,
    /// provincial 省级评估, national_rehearsal 国家认定模拟 (a rehearsal: the
    /// official result comes from the Ministry's survey).
    PurposeDto <=> Purpose { SelfAssessment, PrefectureReview, Provincial, NationalRehearsal }
);
mirror_enum!(
    /// Round status: draft → open → closed.
    RoundStatusDto <=> RoundStatus { Draft, Open, Closed }
);
mirror_enum!(
    /// What a second response from one device in one round and group gets:
    /// refuse (nothing stored) or flag (stored as duplicate_device, not counted).
    DuplicatePolicyDto <=> DuplicatePolicy { Refuse, Flag }
);
mirror_enum!(
    /// Whether a stored response counts: valid; too_fast (answered faster
    /// than the round's minimum time) and duplicate_device (the device had
    /// already answered, round policy "flag") are stored but not counted.
    ValidityDto <=> Validity { Valid, TooFast, DuplicateDevice }
);
mirror_enum!(
    /// share_recognised: mean over respondents of recognised/judged answers;
    /// mean_score_x20: mean option points ÷ full marks (×20 for points up
    /// to 5, ×25 for 4, ×100/3 for 3); answer_share: Σ recognised answers ÷
    /// Σ judged answers over all valid responses; overall_item_share: valid
    /// responses whose overall evaluation (总体评价) is recognised ÷ those
    /// that judged it.
    FormulaDto <=> Formula { ShareRecognised, MeanScoreX20, AnswerShare, OverallItemShare }
);
mirror_enum!(
    /// The answer scale: five_general 满意/比较满意/一般/不满意/不了解;
    /// five_basic 满意/比较满意/基本满意/不满意/不了解; four_basic
    /// 满意/基本满意/不满意/不了解.
    ScaleDto <=> Scale { FiveGeneral, FiveBasic, FourBasic }
);
mirror_enum!(
    /// The reading of the scale's middle option (一般 or 基本满意): strict,
    /// not recognised; loose, recognised.
    ReadingDto <=> Reading { Strict, Loose }
);
mirror_enum!(
    /// scored: counts toward the rate; context: describes the respondent;
    /// text: free text.
    ItemKindDto <=> ItemKind { Scored, Context, Text }
);

impl GroupDto {
    pub fn label_zh(self) -> &'static str {
        RespondentGroup::from(self).label_zh()
    }
}

/// One option of a choice item.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OptionDto {
    /// 1-based code sent in submissions.
    #[oai(validator(minimum(value = "1"), maximum(value = "9")))]
    pub code: u8,
    pub label: String,
    /// Counts as recognising the work.
    #[oai(default)]
    pub recognised: bool,
    /// "Don't know": left out of the denominator.
    #[oai(default)]
    pub dont_know: bool,
    /// Points (1–5) for the mean-score formula.
    pub points: Option<u8>,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ItemDto {
    pub id: String,
    pub kind: ItemKindDto,
    pub text: String,
    /// The content area (for built-in items one of the inspection's named
    /// areas: 教育公平, 优质资源共享, 规范办学, 素质教育, 考试评价改革, 教育质量,
    /// 立德树人, 减轻过重课业负担).
    pub topic: Option<String>,
    #[oai(default = "default_true")]
    pub required: bool,
    #[oai(default)]
    pub options: Vec<OptionDto>,
    /// Shown in the report with its own rate (marked 诊断题), left out of
    /// the recognition rate under every formula.
    #[oai(default)]
    pub diagnostic: bool,
    /// The overall evaluation (总体评价): read by the overall-item formula
    /// only, left out of the others. At most one per questionnaire.
    #[oai(default)]
    pub overall: bool,
}

fn default_true() -> bool {
    true
}

/// A questionnaire with its scoring marks.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct QuestionnaireDto {
    pub title: String,
    pub intro: String,
    pub items: Vec<ItemDto>,
}

impl From<Questionnaire> for QuestionnaireDto {
    fn from(q: Questionnaire) -> Self {
        Self {
            title: q.title,
            intro: q.intro,
            items: q
                .items
                .into_iter()
                .map(|i| ItemDto {
                    id: i.id,
                    kind: i.kind.into(),
                    text: i.text,
                    topic: i.topic,
                    required: i.required,
                    diagnostic: i.diagnostic,
                    overall: i.overall,
                    options: i
                        .options
                        .into_iter()
                        .map(|o| OptionDto {
                            code: o.code,
                            label: o.label,
                            recognised: o.recognised,
                            dont_know: o.dont_know,
                            points: o.points,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl From<QuestionnaireDto> for Questionnaire {
    fn from(q: QuestionnaireDto) -> Self {
        Self {
            title: q.title,
            intro: q.intro,
            items: q
                .items
                .into_iter()
                .map(|i| Item {
                    id: i.id,
                    kind: i.kind.into(),
                    text: i.text,
                    topic: i.topic,
                    required: i.required,
                    diagnostic: i.diagnostic,
                    overall: i.overall,
                    options: i
                        .options
                        .into_iter()
                        .map(|o| ChoiceOption {
                            code: o.code,
                            label: o.label,
                            recognised: o.recognised,
                            dont_know: o.dont_know,
                            points: o.points,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// How many objects an operation changed.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Done {
    pub ok: bool,
}
mirror_enum!(
    /// 学段: primary 小学, junior 初中.
    StageDto <=> crate::domain::school::Stage { Primary, Junior }
);
mirror_enum!(
    /// The seven 资源配置 indicators, in the inspection's order:
    /// qualified_teachers 高于规定学历教师, backbone_teachers 县级以上骨干教师,
    /// sports_arts_teachers 体育艺术专任教师, teaching_area 教学及辅助用房,
    /// sports_area 体育运动场馆, equipment_value 教学仪器设备值,
    /// multimedia_rooms 网络多媒体教室.
    IndicatorDto <=> crate::domain::readiness::Indicator {
        QualifiedTeachers, BackboneTeachers, SportsArtsTeachers, TeachingArea,
        SportsArea, EquipmentValue, MultimediaRooms
    }
);
mirror_enum!(
    /// A school on one indicator: met 达标; near 未达标但达到标准的85%以上;
    /// failing 低于标准的85%.
    ReadinessStatusDto <=> crate::domain::readiness::Status { Met, Near, Failing }
);

/// A link as someone entering answers for it picks it (a clerk keying
/// paper sheets, an interviewer): its school and group.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LinkChoiceOut {
    pub id: i64,
    pub group: GroupDto,
    pub group_label: String,
    /// None for county-level groups.
    pub school_name: Option<String>,
    pub enabled: bool,
}

impl LinkChoiceOut {
    /// A link of a respondent group as a choice (one of none: nothing to
    /// pick).
    pub fn of(row: LinkRow) -> Option<Self> {
        let group = row.link.group?;
        Some(Self {
            id: row.link.id,
            group: group.into(),
            group_label: group.label_zh().to_string(),
            school_name: row.school.map(|s| s.name),
            enabled: row.link.enabled,
        })
    }
}
