//! The region tree of a deployment: 省 → 州（市） → 县（区）, named by the
//! national administrative division codes (6 digits), and the scope an
//! account sees: the counties beneath its node.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// A node's level in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 省（自治区、直辖市）
    Province,
    /// 州（市、地区、盟）
    Prefecture,
    /// 县（区、市、旗）: where a county's schools, rounds and responses live.
    County,
}

impl Level {
    pub const ALL: [Level; 3] = [Self::Province, Self::Prefecture, Self::County];
    pub fn code(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Prefecture => "prefecture",
            Self::County => "county",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == c)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Province => "省",
            Self::Prefecture => "州市",
            Self::County => "县区",
        }
    }
    /// The level a division code names: `xx0000` a province, `xxxx00` a
    /// prefecture, anything else a county (GB/T 2260).
    pub fn of_code(code: &DivisionCode) -> Self {
        let c = code.as_str();
        if c.ends_with("0000") {
            Self::Province
        } else if c.ends_with("00") {
            Self::Prefecture
        } else {
            Self::County
        }
    }
    /// Whether a node of this level may sit under a node of `parent`.
    pub fn fits_under(self, parent: Level) -> bool {
        parent < self
    }
}

/// 行政区划代码: exactly six digits, not starting with 0.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) && !t.starts_with('0') {
            Ok(Self(t.to_string()))
        } else {
            Err(format!("行政区划代码须为6位数字，收到“{t}”"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A region's name: 1 to 100 characters after trimming.
pub fn parse_name(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 100 {
        Err("地区名称须为1到100个字".to_string())
    } else {
        Ok(t.to_string())
    }
}

/// The set of counties (county table ids) an account may see. Every query
/// of a tenant table is filtered by one (`store::scope`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every county of the deployment (admins).
    All,
    /// These counties only (possibly none).
    Counties(Arc<BTreeSet<i64>>),
}

impl Scope {
    pub fn counties(ids: impl IntoIterator<Item = i64>) -> Self {
        Self::Counties(Arc::new(ids.into_iter().collect()))
    }
    pub fn contains(&self, county: i64) -> bool {
        match self {
            Self::All => true,
            Self::Counties(c) => c.contains(&county),
        }
    }
    /// The ids, or none for [`Scope::All`].
    pub fn ids(&self) -> Option<Vec<i64>> {
        match self {
            Self::All => None,
            Self::Counties(c) => Some(c.iter().copied().collect()),
        }
    }
}

/// A node of the region tree as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub id: i64,
    /// 行政区划代码 (6 digits); none for the node of a county whose profile
    /// has no code yet. Kept as stored: a node made from an older county
    /// profile may carry a code [`DivisionCode::parse`] would now refuse.
    pub code: Option<String>,
    pub name: String,
    pub level: Level,
    pub parent_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One node as the tree needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: i64,
    pub parent: Option<i64>,
    pub level: Level,
}

/// The nodes at or beneath `node` (itself first, then breadth first).
pub fn beneath(nodes: &[Node], node: i64) -> Vec<i64> {
    let mut children: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for n in nodes {
        if let Some(p) = n.parent {
            children.entry(p).or_default().push(n.id);
        }
    }
    let mut out = vec![node];
    let mut seen: BTreeSet<i64> = [node].into();
    let mut i = 0;
    while i < out.len() {
        for &c in children.get(&out[i]).map(Vec::as_slice).unwrap_or(&[]) {
            // A cycle cannot be stored (parents are checked), but a loop
            // here must not hang a request either.
            if seen.insert(c) {
                out.push(c);
            }
        }
        i += 1;
    }
    out
}

/// Whether `node` lies strictly beneath `ancestor`.
pub fn is_below(nodes: &[Node], node: i64, ancestor: i64) -> bool {
    node != ancestor && beneath(nodes, ancestor).contains(&node)
}

/// Why a node may not move under `parent`: a level that does not fit, or a
/// parent at or beneath the node itself.
pub fn check_parent(
    nodes: &[Node],
    node: Option<i64>,
    level: Level,
    parent: Option<&Node>,
) -> Result<(), String> {
    let Some(parent) = parent else {
        return Ok(());
    };
    if !level.fits_under(parent.level) {
        return Err(format!(
            "{}不能设在{}之下",
            level.label_zh(),
            parent.level.label_zh()
        ));
    }
    if let Some(id) = node {
        if beneath(nodes, id).contains(&parent.id) {
            return Err("上级地区不能是本地区或其下级".to_string());
        }
    }
    Ok(())
}

/// A row of a division-code import: `code,name,parent code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub code: DivisionCode,
    pub name: String,
    pub level: Level,
    pub parent: Option<DivisionCode>,
}

/// A bad row of an import: its line (1-based, the header is line 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// Reads `code,name,parent code` lines (a header line with 代码/code is
/// skipped). Each row's level follows from its code. A parent must be in
/// the file (earlier or later) or in `known` (code → level); a row naming
/// a code twice, a parent of the wrong level, or an unknown parent is an
/// error. All rows or none: the errors name every bad line.
pub fn parse_import(
    text: &str,
    known: &BTreeMap<String, Level>,
) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse_import_rows(
        text.lines()
            .enumerate()
            .map(|(i, line)| (i + 1, vec![line.to_string()])),
        known,
    )
}

/// As [`parse_import`], from rows already split into cells (a spreadsheet,
/// or a CSV read by a CSV reader), each with its line (the header is line
/// 1). A row of one cell is split at commas, ASCII or full-width (，), as
/// a line of text is.
pub fn parse_import_rows(
    lines: impl IntoIterator<Item = (usize, Vec<String>)>,
    known: &BTreeMap<String, Level>,
) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let mut rows: Vec<(usize, ImportRow)> = Vec::new();
    let mut errors = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (line_no, cells) in lines {
        let cells: Vec<&str> = match cells.as_slice() {
            [one] => one.split([',', '，']).map(str::trim).collect(),
            many => many.iter().map(|c| c.trim()).collect(),
        };
        // Trailing empty cells (a spreadsheet's blank columns) say nothing.
        let used = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        let cells = &cells[..used];
        if cells.is_empty() {
            continue;
        }
        if line_no == 1 && (cells[0].contains("代码") || cells[0].eq_ignore_ascii_case("code")) {
            continue;
        }
        let mut fail = |m: String| {
            errors.push(RowError {
                line: line_no,
                message: m,
            })
        };
        if cells.len() < 2 || cells.len() > 3 {
            fail("每行须为“代码,名称,上级代码”".to_string());
            continue;
        }
        let code = match DivisionCode::parse(cells[0]) {
            Ok(c) => c,
            Err(m) => {
                fail(m);
                continue;
            }
        };
        let name = match parse_name(cells[1]) {
            Ok(n) => n,
            Err(m) => {
                fail(m);
                continue;
            }
        };
        let parent = match cells.get(2).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => match DivisionCode::parse(p) {
                Ok(p) => Some(p),
                Err(m) => {
                    fail(format!("上级{m}"));
                    continue;
                }
            },
        };
        if let Some(first) = seen.insert(code.as_str().to_string(), line_no) {
            fail(format!("代码{}与第{first}行重复", code.as_str()));
            continue;
        }
        let level = Level::of_code(&code);
        rows.push((
            line_no,
            ImportRow {
                code,
                name,
                level,
                parent,
            },
        ));
    }
    let in_file: BTreeMap<String, Level> = rows
        .iter()
        .map(|(_, r)| (r.code.as_str().to_string(), r.level))
        .collect();
    for (line, r) in &rows {
        let Some(p) = &r.parent else { continue };
        let parent_level = in_file
            .get(p.as_str())
            .or_else(|| known.get(p.as_str()))
            .copied();
        match parent_level {
            None => errors.push(RowError {
                line: *line,
                message: format!("上级代码{}不存在", p.as_str()),
            }),
            Some(pl) if !r.level.fits_under(pl) => errors.push(RowError {
                line: *line,
                message: format!(
                    "{}（{}）不能设在{}（{}）之下",
                    r.level.label_zh(),
                    r.code.as_str(),
                    pl.label_zh(),
                    p.as_str()
                ),
            }),
            Some(_) => {}
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 1,
            message: "文件中没有地区".to_string(),
        });
    }
    if errors.is_empty() {
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(id: i64, parent: Option<i64>, level: Level) -> Node {
        Node { id, parent, level }
    }

    #[test]
    fn levels_follow_the_code() {
        let l = |c| Level::of_code(&DivisionCode::parse(c).unwrap());
        assert_eq!(l("650000"), Level::Province);
        assert_eq!(l("652300"), Level::Prefecture);
        assert_eq!(l("652325"), Level::County);
        assert!(DivisionCode::parse("65232").is_err());
        assert!(DivisionCode::parse("012345").is_err());
        assert!(DivisionCode::parse("65232a").is_err());
    }

    #[test]
    fn beneath_walks_the_tree_and_survives_a_loop() {
        let nodes = [
            n(1, None, Level::Province),
            n(2, Some(1), Level::Prefecture),
            n(3, Some(2), Level::County),
            n(4, Some(1), Level::Prefecture),
            n(5, Some(4), Level::County),
        ];
        assert_eq!(beneath(&nodes, 2), vec![2, 3]);
        assert_eq!(beneath(&nodes, 1), vec![1, 2, 4, 3, 5]);
        assert!(is_below(&nodes, 5, 1));
        assert!(!is_below(&nodes, 5, 2));
        assert!(!is_below(&nodes, 2, 2));
        let looped = [n(1, Some(2), Level::County), n(2, Some(1), Level::County)];
        assert_eq!(beneath(&looped, 1), vec![1, 2]);
        assert!(check_parent(&nodes, Some(2), Level::Prefecture, Some(&nodes[2])).is_err());
        assert!(check_parent(&nodes, Some(1), Level::Province, Some(&nodes[1])).is_err());
        assert!(check_parent(&nodes, None, Level::County, Some(&nodes[1])).is_ok());
    }

    #[test]
    fn scope_contains_its_counties_only() {
        let s = Scope::counties([1, 3]);
        assert!(s.contains(1) && s.contains(3) && !s.contains(2));
        assert!(Scope::All.contains(99));
        assert_eq!(Scope::counties([]).ids(), Some(vec![]));
    }

    #[test]
    fn an_import_names_every_bad_row_and_keeps_none() {
        let known: BTreeMap<String, Level> = [("650000".to_string(), Level::Province)].into();
        let ok = parse_import(
            "代码,名称,上级代码\n652300,昌吉回族自治州,650000\n652325,奇台县,652300\n652327,吉木萨尔县,652300\n",
            &known,
        )
        .unwrap();
        assert_eq!(ok.len(), 3);
        assert_eq!(ok[1].level, Level::County);
        let bad = parse_import(
            "652300,昌吉回族自治州,650000\n65232,坏代码,652300\n652325,奇台县,652399\n652300,重复,650000\n652301,县,652325\n,无名,\n",
            &known,
        )
        .unwrap_err();
        let lines: Vec<usize> = bad.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6], "{bad:?}");
        assert!(bad[1].message.contains("652399"));
        assert!(bad[3].message.contains("县区"));
    }
}

/// Orders counties weakest first: the lowest rate first, counties without
/// a rate (no round, no valid response) last; ties by county id.
pub fn weakest_first<T>(rows: &mut [T], key: impl Fn(&T) -> (Option<f64>, i64)) {
    rows.sort_by(|a, b| {
        let (ra, ia) = key(a);
        let (rb, ib) = key(b);
        match (ra, rb) {
            (Some(x), Some(y)) => x.total_cmp(&y).then(ia.cmp(&ib)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => ia.cmp(&ib),
        }
    });
}

#[cfg(test)]
mod ranking_tests {
    use super::weakest_first;

    #[test]
    fn the_weakest_county_comes_first_and_no_data_last() {
        let mut rows = vec![
            (1, Some(0.9)),
            (2, None),
            (3, Some(0.8)),
            (4, Some(0.8)),
            (5, Some(0.95)),
        ];
        weakest_first(&mut rows, |r| (r.1, r.0));
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(ids, vec![3, 4, 1, 5, 2]);
    }
}
