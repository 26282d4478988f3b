//! The inspection's 政府保障程度 (15 rigid indicators) and 教育质量 (9
//! indicators) as a county's checklist, with the four veto items: each
//! item's text and responsible unit as the annex words them, its numeric
//! thresholds where it has any, and the four indicators renke computes
//! from per-school facts (special classrooms, school size, class size,
//! 巩固率). An entered value is judged against its thresholds; a computed
//! one from the schools' facts, naming each school that fails and by how
//! much.

use crate::class_size::{self, GradeCount, grades_of};
use crate::school::SchoolKind;

/// Which part of the indicator system an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// 政府保障程度
    Guarantee,
    /// 教育质量
    Quality,
    /// 否决事项 (以考试方式招生、违规择校、重点校/重点班、重大安全或师德事件)
    Veto,
}

impl Part {
    pub const ALL: [Part; 3] = [Self::Guarantee, Self::Quality, Self::Veto];
    pub fn code(self) -> &'static str {
        match self {
            Self::Guarantee => "guarantee",
            Self::Quality => "quality",
            Self::Veto => "veto",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Guarantee => "政府保障程度",
            Self::Quality => "教育质量",
            Self::Veto => "否决事项",
        }
    }
}

/// 达标 / 未达标 / 待核实
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Met,
    Unmet,
    Pending,
}

impl Status {
    pub const ALL: [Status; 3] = [Self::Met, Self::Unmet, Self::Pending];
    pub fn code(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Unmet => "unmet",
            Self::Pending => "pending",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Met => "达标",
            Self::Unmet => "未达标",
            Self::Pending => "待核实",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
    /// A part's status from its items': any unmet fails it, any pending
    /// leaves it pending, all met meets it.
    pub fn of_all(items: impl IntoIterator<Item = Status>) -> Status {
        let mut out = Status::Met;
        for s in items {
            match s {
                Status::Unmet => return Status::Unmet,
                Status::Pending => out = Status::Pending,
                Status::Met => {}
            }
        }
        out
    }
}

/// How a value is compared with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// ≥
    AtLeast,
    /// <
    Below,
}

/// A numeric threshold of an entered item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// What the value is, e.g. 交流轮岗教师比例.
    pub label: &'static str,
    pub compare: Compare,
    pub value: f64,
    /// "%", "元", "" …
    pub unit: &'static str,
}

impl Threshold {
    pub fn passes(&self, v: f64) -> bool {
        match self.compare {
            Compare::AtLeast => v >= self.value - 1e-9,
            Compare::Below => v < self.value,
        }
    }
    /// e.g. "≥ 95%", "< 0.15".
    pub fn text(&self) -> String {
        let op = match self.compare {
            Compare::AtLeast => "≥",
            Compare::Below => "<",
        };
        format!("{op} {}{}", number(self.value), self.unit)
    }
    /// How far a failing value is from the threshold, in Chinese.
    pub fn gap_zh(&self, v: f64) -> Option<String> {
        if self.passes(v) {
            return None;
        }
        Some(match self.compare {
            Compare::AtLeast => format!(
                "{}为{}{}，还差{}{}",
                self.label,
                number(v),
                self.unit,
                number(self.value - v),
                self.unit
            ),
            Compare::Below => format!(
                "{}为{}{}，须低于{}{}",
                self.label,
                number(v),
                self.unit,
                number(self.value),
                self.unit
            ),
        })
    }
}

/// The indicators renke computes from per-school facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Computed {
    /// 每12个班级音乐、美术专用教室各1间以上，音乐≥96㎡、美术≥90㎡
    SpecialRooms,
    /// 规模 ≤ 2000 人（九年、十二年一贯制义务教育阶段 ≤ 2500 人）
    SchoolSize,
    /// 班额 小学 ≤ 45、初中 ≤ 50
    ClassSize,
    /// 初中三年巩固率 ≥ 95%
    Retention,
}

/// One checklist item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    /// Stable key: g1…g15, q1…q9, v1…v4.
    pub key: &'static str,
    pub part: Part,
    /// Its number within the part (1-based).
    pub no: u8,
    pub text: &'static str,
    /// 责任单位 as the annex names them.
    pub unit: &'static str,
    /// Numeric thresholds of an entered value (at most two).
    pub thresholds: &'static [Threshold],
    pub computed: Option<Computed>,
}

impl Item {
    pub fn is_veto(&self) -> bool {
        self.part == Part::Veto
    }
}

const fn at_least(label: &'static str, value: f64, unit: &'static str) -> Threshold {
    Threshold {
        label,
        compare: Compare::AtLeast,
        value,
        unit,
    }
}

const fn item(
    key: &'static str,
    part: Part,
    no: u8,
    text: &'static str,
    unit: &'static str,
    thresholds: &'static [Threshold],
    computed: Option<Computed>,
) -> Item {
    Item {
        key,
        part,
        no,
        text,
        unit,
        thresholds,
        computed,
    }
}

use Part::{Guarantee as G, Quality as Q, Veto as V};

/// Every item, in the annex's order, then the veto items.
pub const ITEMS: [Item; 28] = [
    item(
        "g1",
        G,
        1,
        "县域内义务教育学校规划布局合理，符合国家规定要求",
        "自然资源局、教育局",
        &[],
        None,
    ),
    item(
        "g2",
        G,
        2,
        "县域内城乡义务教育学校建设标准统一、教师编制标准统一、生均公用经费基准定额统一、基本装备配置标准统一",
        "人社局、财政局、教育局",
        &[],
        None,
    ),
    item(
        "g3",
        G,
        3,
        "所有小学、初中每12个班级配备音乐、美术专用教室1间以上；其中，每间音乐专用教室面积不小于96平方米，每间美术专用教室面积不小于90平方米",
        "教育局",
        &[],
        Some(Computed::SpecialRooms),
    ),
    item(
        "g4",
        G,
        4,
        "所有小学、初中规模不超过2000人，九年一贯制学校、十二年一贯制学校义务教育阶段规模不超过2500人",
        "教育局",
        &[],
        Some(Computed::SchoolSize),
    ),
    item(
        "g5",
        G,
        5,
        "小学、初中所有班级学生数分别不超过45人、50人",
        "教育局",
        &[],
        Some(Computed::ClassSize),
    ),
    item(
        "g6",
        G,
        6,
        "不足100名学生的村小学和教学点按100名学生核定公用经费",
        "财政局、教育局",
        &[],
        None,
    ),
    item(
        "g7",
        G,
        7,
        "特殊教育学校生均公用经费不低于6000元",
        "财政局、残联",
        &[at_least("特殊教育学校生均公用经费", 6000.0, "元")],
        None,
    ),
    item(
        "g8",
        G,
        8,
        "全县义务教育学校教师平均工资收入水平不低于当地公务员平均工资收入水平，按规定足额核定教师绩效工资总量",
        "组织部、财政局、人社局",
        &[at_least("教师平均工资与公务员平均工资之比", 100.0, "%")],
        None,
    ),
    item(
        "g9",
        G,
        9,
        "教师5年360学时培训完成率达到100%",
        "教育局",
        &[at_least("5年360学时培训完成率", 100.0, "%")],
        None,
    ),
    item(
        "g10",
        G,
        10,
        "县级教育行政部门在核定的教职工编制总额和岗位总量内，统筹分配各校教职工编制和岗位数量",
        "编办、人社局、教育局",
        &[],
        None,
    ),
    item(
        "g11",
        G,
        11,
        "全县每年交流轮岗教师的比例不低于符合交流条件教师总数的10%；其中，骨干教师不低于交流轮岗教师总数的20%",
        "教育局",
        &[
            at_least("交流轮岗教师比例", 10.0, "%"),
            at_least("骨干教师占交流轮岗教师比例", 20.0, "%"),
        ],
        None,
    ),
    item(
        "g12",
        G,
        12,
        "专任教师持有教师资格证上岗率达到100%",
        "教育局",
        &[at_least("专任教师持证上岗率", 100.0, "%")],
        None,
    ),
    item(
        "g13",
        G,
        13,
        "城区和镇区公办小学、初中（均不含寄宿制学校）就近划片入学比例分别达到100%、95%以上",
        "教育局",
        &[
            at_least("小学就近划片入学比例", 100.0, "%"),
            at_least("初中就近划片入学比例", 95.0, "%"),
        ],
        None,
    ),
    item(
        "g14",
        G,
        14,
        "全县优质高中招生名额分配比例不低于50%，并向农村初中倾斜",
        "教育局",
        &[at_least("优质高中招生名额分配比例", 50.0, "%")],
        None,
    ),
    item(
        "g15",
        G,
        15,
        "留守儿童关爱体系健全，全县符合条件的随迁子女在公办学校和政府购买服务的民办学校就读的比例不低于85%",
        "民政局、教育局、妇联、团委、残联",
        &[at_least(
            "随迁子女在公办学校和政府购买服务的民办学校就读比例",
            85.0,
            "%",
        )],
        None,
    ),
    item(
        "q1",
        Q,
        1,
        "全县初中三年巩固率达到95%以上",
        "各乡镇、教育局",
        &[],
        Some(Computed::Retention),
    ),
    item(
        "q2",
        Q,
        2,
        "全县残疾儿童少年入学率达到95%以上",
        "民政局、教育局、残联",
        &[at_least("残疾儿童少年入学率", 95.0, "%")],
        None,
    ),
    item(
        "q3",
        Q,
        3,
        "所有学校制定章程，实现学校管理与教学信息化",
        "教育局",
        &[],
        None,
    ),
    item(
        "q4",
        Q,
        4,
        "全县所有学校按照不低于学校年度公用经费预算总额的5%安排教师培训经费",
        "财政局、教育局",
        &[at_least("教师培训经费占公用经费预算比例", 5.0, "%")],
        None,
    ),
    item(
        "q5",
        Q,
        5,
        "教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平",
        "教育局",
        &[],
        None,
    ),
    item(
        "q6",
        Q,
        6,
        "所有学校德育工作、校园文化建设水平达到良好以上",
        "教育局",
        &[],
        None,
    ),
    item(
        "q7",
        Q,
        7,
        "课程开齐开足，教学秩序规范，综合实践活动有效开展",
        "教育局",
        &[],
        None,
    ),
    item("q8", Q, 8, "无过重课业负担", "教育局", &[], None),
    item(
        "q9",
        Q,
        9,
        "在国家义务教育质量监测中，相关科目学生学业水平达到Ⅲ级以上，且校际差异率低于0.15",
        "教育局",
        &[Threshold {
            label: "校际差异率",
            compare: Compare::Below,
            value: 0.15,
            unit: "",
        }],
        None,
    ),
    item("v1", V, 1, "以考试方式招生", "教育局", &[], None),
    item("v2", V, 2, "违规择校", "教育局", &[], None),
    item("v3", V, 3, "设置重点校、重点班", "教育局", &[], None),
    item(
        "v4",
        V,
        4,
        "发生重大安全责任事故或严重违反师德事件",
        "教育局",
        &[],
        None,
    ),
];

/// The item with this key.
pub fn find(key: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.key == key)
}

/// What a county entered for an item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entered {
    /// Values for the item's thresholds, in order.
    pub values: [Option<f64>; 2],
    /// A veto item: whether it happened (是 fails the county).
    pub occurred: Option<bool>,
    /// The status the county set (for items renke cannot judge).
    pub status: Option<Status>,
    pub unit: Option<String>,
    pub note: Option<String>,
}

/// Most characters of a note or a responsible unit.
pub const MAX_NOTE: usize = 2000;
pub const MAX_UNIT: usize = 200;

impl Entered {
    /// Checks the entry against its item: values only where it has
    /// thresholds, finite and non-negative (percentages ≤ 1000); a yes/no
    /// only for a veto item; text lengths.
    pub fn check(&self, item: &Item) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        for (i, v) in self.values.iter().enumerate() {
            let Some(v) = v else { continue };
            match item.thresholds.get(i) {
                None => errors.push(format!("第{}项指标没有第{}个数值", item.no, i + 1)),
                Some(t) => {
                    let max = if t.unit == "%" { 1000.0 } else { 1e9 };
                    if !v.is_finite() || *v < 0.0 || *v > max {
                        errors.push(format!("{}须在0到{}之间", t.label, number(max)));
                    }
                }
            }
        }
        if self.occurred.is_some() && !item.is_veto() {
            errors.push("只有否决事项填写“是否发生”".to_string());
        }
        if self
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE)
        {
            errors.push(format!("备注不能超过{MAX_NOTE}字"));
        }
        if self
            .unit
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_UNIT)
        {
            errors.push(format!("责任单位不能超过{MAX_UNIT}字"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The item's status from what was entered: a veto item by whether it
    /// happened; an item with thresholds by its values once all are in;
    /// otherwise what the county set (待核实 until then).
    pub fn judge(&self, item: &Item) -> (Status, Vec<String>) {
        if item.is_veto() {
            return match self.occurred {
                Some(true) => (Status::Unmet, vec![format!("发生{}", item.text)]),
                Some(false) => (Status::Met, vec![]),
                None => (self.status.unwrap_or(Status::Pending), vec![]),
            };
        }
        if !item.thresholds.is_empty() {
            let values: Vec<Option<f64>> = self.values[..item.thresholds.len()].to_vec();
            if values.iter().all(Option::is_some) {
                let gaps: Vec<String> = item
                    .thresholds
                    .iter()
                    .zip(values.iter().flatten())
                    .filter_map(|(t, v)| t.gap_zh(*v))
                    .collect();
                let status = if gaps.is_empty() {
                    Status::Met
                } else {
                    Status::Unmet
                };
                return (status, gaps);
            }
        }
        (self.status.unwrap_or(Status::Pending), vec![])
    }
}

/// The facts of one school for the computed indicators, as entered or
/// imported for a 学年.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolFacts {
    /// 班级数 of each 学段.
    pub primary_classes: u32,
    pub junior_classes: u32,
    /// 最大班额 (the largest class's students) of each 学段; 0: not given.
    pub largest_primary_class: u32,
    pub largest_junior_class: u32,
    /// 音乐专用教室数 and the smallest one's area (m²).
    pub music_rooms: u32,
    pub music_min_area: f64,
    /// 美术专用教室数 and the smallest one's area (m²).
    pub art_rooms: u32,
    pub art_min_area: f64,
    /// 三年前初一入学人数 (the cohort now in 初三).
    pub cohort_entry: u32,
    /// 转入 and 转出 (incl. deaths) of that cohort since.
    pub transfers_in: u32,
    pub transfers_out: u32,
    /// 初三在校生数
    pub grade9_students: u32,
    /// 一年级 … 九年级: each grade's students and classes (0: not given).
    pub grades: [GradeCount; 9],
}

/// Most classes a 学段 of one school can plausibly have.
pub const MAX_CLASSES: u32 = 500;
/// Most students one class can plausibly have.
pub const MAX_CLASS: u32 = 200;
/// Most special classrooms of one kind.
pub const MAX_ROOMS: u32 = 100;
/// Largest plausible area of one classroom (m²).
pub const MAX_ROOM_AREA: f64 = 1000.0;
/// Most students in a cohort of one school.
pub const MAX_COHORT: u32 = 20_000;

impl SchoolFacts {
    /// Checks the facts of a school of `kind`: ranges, a largest class
    /// only where there are classes, an area only where there are rooms,
    /// junior figures only where the school has a junior section.
    pub fn check(&self, kind: SchoolKind) -> Result<(), Vec<String>> {
        let mut e = Vec::new();
        for (label, n) in [
            ("小学班级数", self.primary_classes),
            ("初中班级数", self.junior_classes),
        ] {
            if n > MAX_CLASSES {
                e.push(format!("{label}不能超过{MAX_CLASSES}"));
            }
        }
        for (label, largest, classes) in [
            ("小学", self.largest_primary_class, self.section_classes(0)),
            ("初中", self.largest_junior_class, self.section_classes(1)),
        ] {
            if largest > MAX_CLASS {
                e.push(format!("{label}最大班额不能超过{MAX_CLASS}人"));
            }
            if largest > 0 && classes == 0 {
                e.push(format!("{label}填写了最大班额，但班级数为0"));
            }
        }
        for (label, rooms, area) in [
            ("音乐", self.music_rooms, self.music_min_area),
            ("美术", self.art_rooms, self.art_min_area),
        ] {
            if rooms > MAX_ROOMS {
                e.push(format!("{label}专用教室数不能超过{MAX_ROOMS}"));
            }
            if !area.is_finite() || !(0.0..=MAX_ROOM_AREA).contains(&area) {
                e.push(format!(
                    "{label}专用教室最小面积须在0到{}平方米之间",
                    number(MAX_ROOM_AREA)
                ));
            } else if rooms > 0 && area <= 0.0 {
                e.push(format!("有{label}专用教室时须填写其中最小一间的面积"));
            } else if rooms == 0 && area > 0.0 {
                e.push(format!("{label}专用教室数为0，不应填写面积"));
            }
        }
        self.check_grades(&mut e);
        let junior = self.junior_classes
            + grades_of(1)
                .map(|g| self.grades[g].students + self.grades[g].classes)
                .sum::<u32>()
            + self.largest_junior_class
            + self.cohort_entry
            + self.transfers_in
            + self.transfers_out
            + self.grade9_students;
        if !kind.has_junior_section() && junior > 0 {
            e.push(format!("{}没有初中学段，不应填写初中数据", kind.label_zh()));
        }
        let primary = self.primary_classes
            + self.largest_primary_class
            + grades_of(0)
                .map(|g| self.grades[g].students + self.grades[g].classes)
                .sum::<u32>();
        if !kind.has_primary_section() && primary > 0 {
            e.push(format!("{}没有小学学段，不应填写小学数据", kind.label_zh()));
        }
        for (label, n) in [
            ("三年前初一入学人数", self.cohort_entry),
            ("转入人数", self.transfers_in),
            ("转出人数", self.transfers_out),
            ("初三在校生数", self.grade9_students),
        ] {
            if n > MAX_COHORT {
                e.push(format!("{label}不能超过{MAX_COHORT}"));
            }
        }
        if self.grade9_students > 0 && self.cohort_base() == 0 {
            e.push("填写了初三在校生数，须填写三年前初一入学人数（扣除转出后须大于0）".to_string());
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }

    /// 三年前初一入学人数 + 转入 − 转出 (never below 0).
    pub fn cohort_base(&self) -> u32 {
        (self.cohort_entry + self.transfers_in).saturating_sub(self.transfers_out)
    }
}

/// A school as the computed indicators see it.
#[derive(Debug, Clone, PartialEq)]
pub struct FactSchool {
    pub school_id: i64,
    pub name: String,
    pub kind: SchoolKind,
    pub primary_students: u32,
    pub junior_students: u32,
    /// None: no facts entered for the year.
    pub facts: Option<SchoolFacts>,
}

/// A school that fails a computed indicator, and by how much.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub school_id: i64,
    pub name: String,
    pub text_zh: String,
}

/// A computed indicator's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub status: Status,
    /// The county's figure: the 巩固率 (%), or the schools that fail.
    pub value: Option<f64>,
    /// The figure in words, e.g. "2所学校超规模" or "96.3%".
    pub value_zh: String,
    /// The numbers it came from.
    pub basis_zh: String,
    pub gaps: Vec<Gap>,
}

/// Most bytes of one evidence file.
pub const EVIDENCE_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of evidence file accepted, recognised by their first bytes
/// (never by the name or the declared type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Xlsx,
    Xls,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Xls => "application/vnd.ms-excel",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Xlsx => "xlsx",
            Self::Xls => "xls",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Pdf => "PDF文件",
            Self::Png => "PNG图片",
            Self::Jpeg => "JPEG图片",
            Self::Xlsx => "Excel表格（XLSX）",
            Self::Xls => "Excel表格（XLS）",
        }
    }

    /// What the bytes are, or why they are refused.
    pub fn sniff(bytes: &[u8]) -> Result<FileKind, String> {
        const ACCEPTED: &str = "只接受PDF、PNG、JPEG图片和Excel表格（XLSX、XLS）";
        if bytes.is_empty() {
            return Err("文件是空的".to_string());
        }
        if bytes.starts_with(b"%PDF-") {
            Ok(Self::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Ok(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Ok(Self::Jpeg)
        } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            Ok(Self::Xls)
        } else if bytes.starts_with(b"PK\x03\x04") {
            // A zip is a workbook only when it holds the workbook part
            // (names are stored uncompressed).
            if bytes.windows(11).any(|w| w == b"xl/workbook") {
                Ok(Self::Xlsx)
            } else {
                Err(format!("该ZIP文件不是Excel表格；{ACCEPTED}"))
            }
        } else {
            Err(format!("无法识别的文件类型；{ACCEPTED}"))
        }
    }
}

impl FileKind {
    /// Checks the type the uploader declared (`Content-Type`) against the
    /// bytes: a generic declaration (none, application/octet-stream) leaves
    /// it to the bytes; a declared type must be one accepted and the one the
    /// bytes are. Parameters (`; charset=…`) and case are ignored.
    pub fn check_declared(declared: Option<&str>, sniffed: FileKind) -> Result<(), String> {
        let t = declared
            .and_then(|d| d.split(';').next())
            .map(|d| d.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let kind = match t.as_str() {
            "" | "application/octet-stream" | "binary/octet-stream" => return Ok(()),
            "application/pdf" | "application/x-pdf" => Self::Pdf,
            "image/png" => Self::Png,
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Self::Jpeg,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Self::Xlsx,
            "application/vnd.ms-excel" => Self::Xls,
            other => {
                return Err(format!(
                    "不接受类型为{other}的文件；只接受PDF、PNG、JPEG图片和Excel表格（XLSX、XLS）"
                ));
            }
        };
        if kind == sniffed {
            Ok(())
        } else {
            Err(format!(
                "文件声明为{}，内容却是{}，请核对后重新上传",
                kind.label_zh(),
                sniffed.label_zh()
            ))
        }
    }
}

/// A file name safe to store and to offer for download: no directories or
/// control characters, at most 100 characters, ending in the kind's
/// extension.
pub fn evidence_name(given: &str, kind: FileKind) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .collect();
    let clean = clean.trim().trim_start_matches('.');
    let stem = match clean.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => clean,
    };
    let stem: String = stem.chars().take(90).collect();
    let stem = if stem.trim().is_empty() {
        "证据材料".to_string()
    } else {
        stem
    };
    format!("{stem}.{}", kind.extension())
}

/// Formats a number without needless decimals (up to two).
pub fn number(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

/// Computes one of the indicators renke computes, over the county's
/// compulsory-education schools (special-education schools left out).
pub fn compute(what: Computed, schools: &[FactSchool]) -> Finding {
    let counted: Vec<&FactSchool> = schools
        .iter()
        .filter(|s| s.kind != SchoolKind::Special)
        .collect();
    match what {
        Computed::SchoolSize => school_size(&counted),
        Computed::ClassSize => class_size::class_size(&counted),
        Computed::SpecialRooms => special_rooms(&counted),
        Computed::Retention => retention(&counted),
    }
}

/// The figure of an indicator no school has facts for.
pub(crate) const NO_DATA: &str = "尚无数据";

/// The status of a per-school indicator: unmet if a school fails, pending
/// if a school has no facts, met otherwise.
pub(crate) fn per_school(gaps: &[Gap], missing: usize, checked: usize) -> Status {
    if !gaps.is_empty() {
        Status::Unmet
    } else if missing > 0 || checked == 0 {
        Status::Pending
    } else {
        Status::Met
    }
}

pub(crate) fn missing_note(missing: &[&FactSchool]) -> String {
    if missing.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = missing.iter().take(5).map(|s| s.name.as_str()).collect();
        format!(
            "；{}所学校未填报（{}{}）",
            missing.len(),
            names.join("、"),
            if missing.len() > 5 { "等" } else { "" }
        )
    }
}

/// The compulsory students a school may have: 2500 for 九年 and 十二年一贯制,
/// 2000 otherwise.
pub fn size_limit(kind: SchoolKind) -> u32 {
    match kind {
        SchoolKind::NineYear | SchoolKind::TwelveYear => 2500,
        _ => 2000,
    }
}

fn school_size(schools: &[&FactSchool]) -> Finding {
    // Enrolment comes from the 资源配置 figures (or the school list), so
    // every school is checked.
    let mut gaps = Vec::new();
    let mut largest: Option<(&str, u32)> = None;
    for s in schools {
        let n = s.primary_students + s.junior_students;
        if largest.is_none_or(|(_, m)| n > m) {
            largest = Some((&s.name, n));
        }
        let limit = size_limit(s.kind);
        if n > limit {
            gaps.push(Gap {
                school_id: s.school_id,
                name: s.name.clone(),
                text_zh: format!(
                    "{}义务教育阶段{}人，超过{}人的上限{}人",
                    s.name,
                    n,
                    limit,
                    n - limit
                ),
            });
        }
    }
    let status = per_school(&gaps, 0, schools.len());
    Finding {
        status,
        value: Some(gaps.len() as f64),
        value_zh: if gaps.is_empty() {
            "无超规模学校".to_string()
        } else {
            format!("{}所学校超规模", gaps.len())
        },
        basis_zh: match largest {
            Some((name, n)) => format!("{}所学校；规模最大：{name}{n}人", schools.len()),
            None => "尚无学校".to_string(),
        },
        gaps,
    }
}

/// 小学 45, 初中 50.
pub const CLASS_LIMITS: [u32; 2] = [45, 50];

/// 音乐 96 m², 美术 90 m².
pub const ROOM_AREAS: [f64; 2] = [96.0, 90.0];

/// Special classrooms a school of `classes` classes needs of each kind:
/// one per 12 classes, rounded up.
pub fn rooms_needed(classes: u32) -> u32 {
    classes.div_ceil(12)
}

fn special_rooms(schools: &[&FactSchool]) -> Finding {
    let mut gaps = Vec::new();
    let mut missing = Vec::new();
    let (mut need_all, mut have_all) = (0u32, 0u32);
    let mut checked = 0usize;
    for s in schools {
        let Some(f) = &s.facts else {
            missing.push(*s);
            continue;
        };
        let classes = f.section_classes(0) + f.section_classes(1);
        if classes == 0 {
            missing.push(*s);
            continue;
        }
        checked += 1;
        let need = rooms_needed(classes);
        let mut problems = Vec::new();
        for ((label, rooms, area), min) in [
            ("音乐", f.music_rooms, f.music_min_area),
            ("美术", f.art_rooms, f.art_min_area),
        ]
        .into_iter()
        .zip(ROOM_AREAS)
        {
            need_all += need;
            have_all += rooms.min(need);
            if rooms < need {
                problems.push(format!(
                    "{classes}个班须有{label}专用教室{need}间，现有{rooms}间，差{}间",
                    need - rooms
                ));
            }
            if rooms > 0 && area < min {
                problems.push(format!(
                    "最小的{label}专用教室{}平方米，不足{}平方米（差{}平方米）",
                    number(area),
                    number(min),
                    number(min - area)
                ));
            }
        }
        if !problems.is_empty() {
            gaps.push(Gap {
                school_id: s.school_id,
                name: s.name.clone(),
                text_zh: format!("{}：{}", s.name, problems.join("；")),
            });
        }
    }
    let status = per_school(&gaps, missing.len(), checked);
    Finding {
        status,
        value: (checked > 0).then_some(gaps.len() as f64),
        value_zh: if checked == 0 {
            NO_DATA.to_string()
        } else if gaps.is_empty() {
            "各校专用教室达标".to_string()
        } else {
            format!("{}所学校专用教室不足", gaps.len())
        },
        basis_zh: format!(
            "{}所学校填报，应配音乐、美术专用教室共{}间，按标准计已有{}间{}",
            checked,
            need_all,
            have_all,
            missing_note(&missing)
        ),
        gaps,
    }
}

/// 巩固率 the county must reach (%).
pub const RETENTION_MIN: f64 = 95.0;

fn retention(schools: &[&FactSchool]) -> Finding {
    let (mut grade9, mut base) = (0u64, 0u64);
    let mut missing = Vec::new();
    let mut counted = 0usize;
    let mut lows: Vec<(f64, &FactSchool, u32, u32)> = Vec::new();
    for s in schools.iter().filter(|s| s.kind.has_junior_section()) {
        match &s.facts {
            Some(f) if f.cohort_base() > 0 => {
                counted += 1;
                grade9 += u64::from(f.grade9_students);
                base += u64::from(f.cohort_base());
                let rate = f64::from(f.grade9_students) / f64::from(f.cohort_base()) * 100.0;
                if rate < RETENTION_MIN {
                    lows.push((rate, s, f.grade9_students, f.cohort_base()));
                }
            }
            _ => missing.push(*s),
        }
    }
    if base == 0 {
        return Finding {
            status: Status::Pending,
            value: None,
            value_zh: NO_DATA.to_string(),
            basis_zh: format!("没有学校填报三年前初一入学人数{}", missing_note(&missing)),
            gaps: vec![],
        };
    }
    let rate = grade9 as f64 / base as f64 * 100.0;
    let status = if rate + 1e-9 < RETENTION_MIN {
        Status::Unmet
    } else if missing.is_empty() {
        Status::Met
    } else {
        Status::Pending
    };
    lows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let gaps = if status == Status::Unmet {
        lows.iter()
            .map(|(r, s, g9, b)| Gap {
                school_id: s.school_id,
                name: s.name.clone(),
                text_zh: format!(
                    "{}：巩固率{}%（初三{}人/应有{}人）",
                    s.name,
                    number(*r),
                    g9,
                    b
                ),
            })
            .collect()
    } else {
        vec![]
    };
    // Students who would have to stay for the county to reach 95%.
    let short = ((RETENTION_MIN / 100.0 * base as f64) - grade9 as f64).ceil();
    Finding {
        status,
        value: Some((rate * 100.0).round() / 100.0),
        value_zh: format!("{}%", number(rate)),
        basis_zh: format!(
            "{counted}所学校：初三在校生{grade9}人 ÷（三年前初一入学+转入−转出）{base}人{}{}",
            if short > 0.0 {
                format!("；距95%还差{}人", short as i64)
            } else {
                String::new()
            },
            missing_note(&missing)
        ),
        gaps,
    }
}

#[cfg(test)]
#[path = "checklist_tests.rs"]
mod tests;
