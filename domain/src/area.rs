//! The content areas the inspection names for the recognition survey: the
//! county's equity policies and sharing of good resources, the schools'
//! lawful conduct, quality-oriented education, exam and evaluation reform
//! and teaching quality, and (in recent rounds) moral education and
//! homework burden. Each scored built-in item belongs to one; an item
//! outside them is diagnostic.

/// One of the inspection's named content areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    /// 教育公平
    Equity,
    /// 优质资源共享
    ResourceSharing,
    /// 规范办学
    LawfulConduct,
    /// 素质教育
    QualityOriented,
    /// 考试评价改革
    ExamReform,
    /// 教育质量
    TeachingQuality,
    /// 立德树人
    MoralEducation,
    /// 减轻过重课业负担
    HomeworkBurden,
}

impl Area {
    pub const ALL: [Area; 8] = [
        Self::Equity,
        Self::ResourceSharing,
        Self::LawfulConduct,
        Self::QualityOriented,
        Self::ExamReform,
        Self::TeachingQuality,
        Self::MoralEducation,
        Self::HomeworkBurden,
    ];

    /// The name as the inspection writes it; what a built-in item's `topic` holds.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Equity => "教育公平",
            Self::ResourceSharing => "优质资源共享",
            Self::LawfulConduct => "规范办学",
            Self::QualityOriented => "素质教育",
            Self::ExamReform => "考试评价改革",
            Self::TeachingQuality => "教育质量",
            Self::MoralEducation => "立德树人",
            Self::HomeworkBurden => "减轻过重课业负担",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Equity => "Equity",
            Self::ResourceSharing => "Sharing good resources",
            Self::LawfulConduct => "Lawful school conduct",
            Self::QualityOriented => "Quality-oriented education",
            Self::ExamReform => "Exam and evaluation reform",
            Self::TeachingQuality => "Teaching quality",
            Self::MoralEducation => "Moral education",
            Self::HomeworkBurden => "Homework burden",
        }
    }

    /// The area an item's topic names: the inspection's names, and the
    /// short names of the first built-in templates (资源共享, 评价改革,
    /// 减负), which rounds created before the reworded items still carry.
    pub fn from_topic(topic: &str) -> Option<Self> {
        let t = topic.trim();
        let legacy = match t {
            "资源共享" => Some(Self::ResourceSharing),
            "评价改革" => Some(Self::ExamReform),
            "减负" => Some(Self::HomeworkBurden),
            _ => None,
        };
        legacy.or_else(|| Self::ALL.into_iter().find(|a| a.label_zh() == t))
    }
}

/// Where a report shows an item's rate: under its content area; under
/// 其他 when its topic names none of them (questionnaires written before
/// the areas, or by hand) but it is counted; under 诊断题 when diagnostic;
/// the overall evaluation (总体评价) first and on its own, since only the
/// overall-item formula reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Overall,
    Area(Area),
    Other,
    Diagnostic,
}

impl Section {
    pub fn of(topic: Option<&str>, diagnostic: bool) -> Self {
        Self::of_item(topic, diagnostic, false)
    }

    /// As [`Section::of`], with the overall evaluation apart.
    pub fn of_item(topic: Option<&str>, diagnostic: bool, overall: bool) -> Self {
        if overall && !diagnostic {
            return Self::Overall;
        }
        if diagnostic {
            return Self::Diagnostic;
        }
        topic
            .and_then(Area::from_topic)
            .map_or(Self::Other, Self::Area)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Overall => "总体评价（仅“总体评价题”算法计入）",
            Self::Area(a) => a.label_zh(),
            Self::Other => "其他（未归入考察内容）",
            Self::Diagnostic => "诊断题（单列，不计入认可率）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Overall => "Overall evaluation (read by the overall-item formula only)",
            Self::Area(a) => a.label_en(),
            Self::Other => "Other (outside the named areas)",
            Self::Diagnostic => "Diagnostic (own rate, not in the recognition rate)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_order_areas_then_other_then_diagnostic() {
        let mut s = vec![
            Section::of(Some("教师队伍"), true),
            Section::of(Some("教师队伍"), false),
            Section::of(Some("减负"), false),
            Section::of(Some("教育公平"), false),
            Section::of(None, false),
        ];
        s.sort();
        assert_eq!(
            s,
            vec![
                Section::Area(Area::Equity),
                Section::Area(Area::HomeworkBurden),
                Section::Other,
                Section::Other,
                Section::Diagnostic,
            ]
        );
    }

    #[test]
    fn names_and_the_first_templates_short_names_resolve() {
        for a in Area::ALL {
            assert_eq!(Area::from_topic(a.label_zh()), Some(a));
        }
        assert_eq!(Area::from_topic("减负"), Some(Area::HomeworkBurden));
        assert_eq!(Area::from_topic("资源共享"), Some(Area::ResourceSharing));
        assert_eq!(Area::from_topic("评价改革"), Some(Area::ExamReform));
        assert_eq!(Area::from_topic("教师队伍"), None);
    }
}
