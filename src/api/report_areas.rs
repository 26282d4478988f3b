//! The report's item rates grouped by the inspection's content areas.

use poem_openapi::Object;
use std::collections::BTreeMap;

use super::types::GroupDto;
use crate::domain::{area::Section, report::ItemRate};

/// One item of a content area: which group's questionnaire and which item.
#[derive(Debug, Clone, Object)]
pub struct AreaItemOut {
    pub group: GroupDto,
    pub item_id: String,
}

/// The items of one content area, in the order of `items`.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AreaItemsOut {
    /// One of 教育公平, 优质资源共享, 规范办学, 素质教育, 考试评价改革,
    /// 教育质量, 立德树人, 减轻过重课业负担; absent for 其他 and 诊断题.
    pub area: Option<String>,
    /// e.g. 教育公平, 其他（未归入考察内容）, 诊断题（单列，不计入认可率）
    pub label: String,
    pub label_en: String,
    /// Diagnostic items: shown with their own rates, left out of the
    /// recognition rate.
    pub diagnostic: bool,
    pub items: Vec<AreaItemOut>,
}

/// The item's section: 总体评价, its area, 其他, or 诊断题.
pub fn section(i: &ItemRate) -> Section {
    Section::of_item(i.item.topic.as_deref(), i.item.diagnostic, i.item.overall)
}

/// 总体评价, the areas in the inspection's order, then 其他, then 诊断题;
/// empty ones left out.
pub fn areas_out(items: &[ItemRate]) -> Vec<AreaItemsOut> {
    let mut by: BTreeMap<Section, Vec<AreaItemOut>> = BTreeMap::new();
    for i in items {
        by.entry(section(i)).or_default().push(AreaItemOut {
            group: i.group.into(),
            item_id: i.item.id.clone(),
        });
    }
    by.into_iter()
        .map(|(s, items)| AreaItemsOut {
            area: match s {
                Section::Area(a) => Some(a.label_zh().to_string()),
                _ => None,
            },
            label: s.label_zh().to_string(),
            label_en: s.label_en().to_string(),
            diagnostic: s == Section::Diagnostic,
            items,
        })
        .collect()
}
