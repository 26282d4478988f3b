//! 班额 (class size) of the 政府保障程度 indicator 小学 ≤ 45 / 初中 ≤ 50
//! from per-grade class counts: each grade's students and classes
//! (一年级 … 九年级; 一至六年级 小学, 七至九年级 初中, the 六三学制) give
//! the grade's average class size, and an average over the limit means a
//! class over it. An entered largest class still counts: a school fails
//! when either reading fails, and its text shows both.

use crate::checklist::{
    CLASS_LIMITS, FactSchool, Finding, Gap, MAX_CLASS, NO_DATA, SchoolFacts, missing_note, number,
    per_school,
};

/// The grades, 一年级 … 九年级.
pub const GRADES: [&str; 9] = [
    "一年级",
    "二年级",
    "三年级",
    "四年级",
    "五年级",
    "六年级",
    "七年级",
    "八年级",
    "九年级",
];

/// Grades 1–6 are 小学, 7–9 初中.
pub const PRIMARY_GRADES: usize = 6;
/// Most classes one grade of one school can plausibly have.
pub const MAX_GRADE_CLASSES: u32 = 100;
/// Most students one grade of one school can plausibly have.
pub const MAX_GRADE_STUDENTS: u32 = 5000;

/// One grade's students and classes; both 0: not given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GradeCount {
    pub students: u32,
    pub classes: u32,
}

impl GradeCount {
    pub fn is_given(&self) -> bool {
        self.students > 0 || self.classes > 0
    }
    /// Students per class, when both are given.
    pub fn average(&self) -> Option<f64> {
        (self.classes > 0 && self.students > 0)
            .then(|| f64::from(self.students) / f64::from(self.classes))
    }
}

/// The 学段 of a grade index (0-based): 0 小学, 1 初中.
pub fn section_of(grade: usize) -> usize {
    usize::from(grade >= PRIMARY_GRADES)
}

/// The grade indices of a 学段 (0 小学, 1 初中).
pub fn grades_of(section: usize) -> std::ops::Range<usize> {
    if section == 0 {
        0..PRIMARY_GRADES
    } else {
        PRIMARY_GRADES..GRADES.len()
    }
}

const SECTION: [&str; 2] = ["小学", "初中"];

impl SchoolFacts {
    /// The classes of a 学段: as entered, or the sum of its grades'.
    pub fn section_classes(&self, section: usize) -> u32 {
        let entered = if section == 0 {
            self.primary_classes
        } else {
            self.junior_classes
        };
        if entered > 0 {
            entered
        } else {
            self.grade_classes(section)
        }
    }

    /// The sum of a 学段's grades' classes.
    pub fn grade_classes(&self, section: usize) -> u32 {
        grades_of(section).map(|g| self.grades[g].classes).sum()
    }

    /// Whether any grade of the 学段 is given.
    pub fn has_grades(&self, section: usize) -> bool {
        grades_of(section).any(|g| self.grades[g].is_given())
    }

    /// The per-grade problems: classes where there are students and
    /// students where there are classes, plausible ranges and averages,
    /// and a 学段 total that disagrees with its grades.
    pub(crate) fn check_grades(&self, e: &mut Vec<String>) {
        for (g, c) in self.grades.iter().enumerate() {
            let name = GRADES[g];
            if c.classes > MAX_GRADE_CLASSES {
                e.push(format!("{name}班级数不能超过{MAX_GRADE_CLASSES}"));
            }
            if c.students > MAX_GRADE_STUDENTS {
                e.push(format!("{name}学生数不能超过{MAX_GRADE_STUDENTS}"));
            }
            if c.students > 0 && c.classes == 0 {
                e.push(format!("{name}有学生{}人，班级数须大于0", c.students));
            } else if c.classes > 0 && c.students == 0 {
                e.push(format!("{name}有{}个班，学生数须大于0", c.classes));
            } else if c.students > 0 && c.students < c.classes {
                e.push(format!(
                    "{name}学生{}人少于班级数{}，请核对",
                    c.students, c.classes
                ));
            } else if c.average().is_some_and(|a| a > f64::from(MAX_CLASS)) {
                e.push(format!(
                    "{name}平均每班超过{MAX_CLASS}人（{}人/{}个班），请核对",
                    c.students, c.classes
                ));
            }
        }
        for (section, entered) in [(0, self.primary_classes), (1, self.junior_classes)] {
            let sum = self.grade_classes(section);
            if entered > 0 && sum > 0 && entered != sum {
                let range = grades_of(section);
                e.push(format!(
                    "{}班级数{entered}与{}至{}各年级班级数之和{sum}不一致",
                    SECTION[section],
                    GRADES[range.start],
                    GRADES[range.end - 1]
                ));
            }
        }
    }
}

/// One grade's reading: its average and whether it is over the limit.
struct GradeReading {
    grade: usize,
    count: GradeCount,
    average: f64,
}

fn avg_text(v: f64) -> String {
    number((v * 10.0).round() / 10.0)
}

/// The class-size indicator over the counted schools.
pub(crate) fn class_size(schools: &[&FactSchool]) -> Finding {
    let mut gaps = Vec::new();
    let mut missing = Vec::new();
    let mut big = 0u32;
    // The largest grade average of the county, with its school and grade.
    let mut worst: Option<(f64, &str, usize)> = None;
    let mut checked = 0usize;
    let mut by_grade = 0usize;
    for s in schools {
        let Some(f) = &s.facts else {
            missing.push(*s);
            continue;
        };
        checked += 1;
        let mut problems = Vec::new();
        let mut unknown = false;
        let mut used_grades = false;
        for section in 0..2 {
            let (students, largest) = if section == 0 {
                (s.primary_students, f.largest_primary_class)
            } else {
                (s.junior_students, f.largest_junior_class)
            };
            let limit = CLASS_LIMITS[section];
            let label = SECTION[section];
            let readings: Vec<GradeReading> = grades_of(section)
                .filter_map(|g| {
                    let c = f.grades[g];
                    c.average().map(|average| GradeReading {
                        grade: g,
                        count: c,
                        average,
                    })
                })
                .collect();
            big = big.max(largest);
            if readings.is_empty() {
                // The 学段 totals only, as before per-grade counts.
                let classes = f.section_classes(section);
                if students == 0 {
                    continue;
                }
                if classes == 0 {
                    unknown = true;
                    continue;
                }
                let average = students.div_ceil(classes);
                big = big.max(average);
                if largest > limit {
                    problems.push(format!(
                        "{label}最大班额{largest}人，超过{limit}人的上限{}人",
                        largest - limit
                    ));
                } else if largest == 0 {
                    if average > limit {
                        problems.push(format!(
                            "{label}平均班额已达{average}人（{students}人/{classes}个班），超过{limit}人"
                        ));
                    } else {
                        unknown = true;
                    }
                }
                continue;
            }
            used_grades = true;
            for r in &readings {
                if worst.is_none_or(|(w, _, _)| r.average > w) {
                    worst = Some((r.average, &s.name, r.grade));
                }
            }
            let over: Vec<&GradeReading> = readings
                .iter()
                .filter(|r| r.average > f64::from(limit) + 1e-9)
                .collect();
            // The first of the largest averages (max_by keeps the last).
            let top = readings
                .iter()
                .rev()
                .max_by(|a, b| a.average.total_cmp(&b.average))
                .map(|r| (r.average, r.grade));
            for r in &over {
                let need = r.count.students.div_ceil(limit);
                problems.push(format!(
                    "{}平均班额{}人（{}人/{}个班），超过{limit}人；须至少分{need}个班（增加{}个）",
                    GRADES[r.grade],
                    avg_text(r.average),
                    r.count.students,
                    r.count.classes,
                    need - r.count.classes
                ));
            }
            // The entered largest class, the other reading: shown beside
            // the grades' whichever fails.
            if largest > limit {
                let grades_say = match (over.is_empty(), top) {
                    (true, Some((a, g))) => format!(
                        "；按年级平均班额未超标（最大为{}{}人）",
                        GRADES[g],
                        avg_text(a)
                    ),
                    _ => String::new(),
                };
                problems.push(format!(
                    "{label}填报最大班额{largest}人，超过{limit}人的上限{}人{grades_say}",
                    largest - limit
                ));
            } else if largest > 0 && !over.is_empty() {
                problems.push(format!(
                    "{label}填报最大班额{largest}人，小于超标年级的平均班额，请核对"
                ));
            }
        }
        if used_grades {
            by_grade += 1;
        }
        if !problems.is_empty() {
            gaps.push(Gap {
                school_id: s.school_id,
                name: s.name.clone(),
                text_zh: format!("{}：{}", s.name, problems.join("；")),
            });
        } else if unknown {
            missing.push(*s);
        }
    }
    let status = per_school(&gaps, missing.len(), checked);
    let grades_note = match worst {
        Some((a, name, g)) => format!(
            "；{by_grade}所学校按年级班级数计算，年级平均班额最大为{name}{}{}人",
            GRADES[g],
            avg_text(a)
        ),
        None => String::new(),
    };
    Finding {
        status,
        value: (checked > 0).then_some(gaps.len() as f64),
        value_zh: if checked == 0 {
            NO_DATA.to_string()
        } else if gaps.is_empty() {
            "无超标班额学校".to_string()
        } else {
            format!("{}所学校有超标班额", gaps.len())
        },
        basis_zh: format!(
            "{}所学校填报班额，填报最大班额{}人{grades_note}{}",
            checked,
            big,
            missing_note(&missing)
        ),
        gaps,
    }
}

#[cfg(test)]
#[path = "class_size_tests.rs"]
mod tests;
