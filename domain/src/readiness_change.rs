//! The change of 资源配置 between two 学年: per 学段 and indicator the CV
//! then and now (and whether it crossed its limit), the schools passing
//! the school rule then and now, in numbers and in Chinese, so a county
//! keeping several years sees what moved.

use crate::readiness::{Indicator, ResourceReport};
use crate::school::Stage;

/// One indicator's CV in both years.
#[derive(Debug, Clone, PartialEq)]
pub struct CvChange {
    pub stage: Stage,
    pub indicator: Indicator,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub limit: f64,
    /// after − before, when both exist.
    pub change: Option<f64>,
    /// e.g. "小学 生均教学仪器设备值差异系数0.5321→0.4810（下降0.0511），由未达标转为达标".
    pub text_zh: String,
}

/// The schools of a 学段 passing the school rule in both years.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolsChange {
    pub stage: Stage,
    /// (passing, counted) before and after.
    pub before: (usize, usize),
    pub after: (usize, usize),
    pub text_zh: String,
}

/// What changed between two years.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub cvs: Vec<CvChange>,
    pub schools: Vec<SchoolsChange>,
}

fn cv_of(r: &ResourceReport, stage: Stage, i: Indicator) -> (Option<f64>, Option<f64>) {
    r.stages
        .iter()
        .find(|s| s.stage == stage)
        .and_then(|s| s.cvs.iter().find(|c| c.indicator == i))
        .map_or((None, None), |c| (c.cv, Some(c.limit)))
}

fn schools_of(r: &ResourceReport, stage: Stage) -> (usize, usize) {
    r.stages
        .iter()
        .find(|s| s.stage == stage)
        .map_or((0, 0), |s| {
            (
                s.schools.iter().filter(|x| x.passes).count(),
                s.schools.len(),
            )
        })
}

fn four(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{v:.4}"))
}

/// Compares the earlier report with the later one.
pub fn compare(before: &ResourceReport, after: &ResourceReport) -> Change {
    let mut cvs = Vec::new();
    let mut schools = Vec::new();
    for stage in Stage::ALL {
        let b = schools_of(before, stage);
        let a = schools_of(after, stage);
        if b.1 == 0 && a.1 == 0 {
            continue;
        }
        schools.push(SchoolsChange {
            stage,
            before: b,
            after: a,
            text_zh: format!(
                "{}达到学校要求的学校：{}/{}所→{}/{}所",
                stage.label_zh(),
                b.0,
                b.1,
                a.0,
                a.1
            ),
        });
        for i in Indicator::ALL {
            let (bv, bl) = cv_of(before, stage, i);
            let (av, al) = cv_of(after, stage, i);
            let Some(limit) = al.or(bl) else { continue };
            let change = bv.zip(av).map(|(b, a)| a - b);
            let moved = match change {
                Some(d) if d.abs() < 5e-5 => "（持平）".to_string(),
                Some(d) if d < 0.0 => format!("（下降{:.4}）", -d),
                Some(d) => format!("（上升{d:.4}）"),
                None => String::new(),
            };
            let pass = |v: Option<f64>| v.map(|v| v <= limit + 1e-12);
            let crossed = match (pass(bv), pass(av)) {
                (Some(false), Some(true)) => "，由未达标转为达标",
                (Some(true), Some(false)) => "，由达标转为未达标",
                _ => "",
            };
            cvs.push(CvChange {
                stage,
                indicator: i,
                before: bv,
                after: av,
                limit,
                change,
                text_zh: format!(
                    "{} {}差异系数{}→{}{moved}{crossed}",
                    stage.label_zh(),
                    i.label_zh(),
                    four(bv),
                    four(av)
                ),
            });
        }
    }
    Change { cvs, schools }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readiness::{SchoolInput, Settings, StageInput, evaluate};
    use crate::school::SchoolKind;

    fn school(id: i64, students: u32, equipment: f64) -> SchoolInput {
        SchoolInput {
            school_id: id,
            name: format!("校{id}"),
            kind: SchoolKind::Primary,
            teaching_point: false,
            branch_of: None,
            primary: StageInput {
                students,
                teachers: [10.0, 3.0, 3.0],
                facilities: None,
            },
            junior: StageInput::default(),
            senior_students: 0,
            facilities: [
                5.0 * f64::from(students),
                8.0 * f64::from(students),
                equipment,
                10.0,
            ],
        }
    }

    #[test]
    fn the_cv_change_and_crossing_the_limit_are_named() {
        let s = Settings::default();
        let before = evaluate(&[school(1, 200, 100_000.0), school(2, 200, 900_000.0)], &s);
        let after = evaluate(&[school(1, 200, 380_000.0), school(2, 200, 420_000.0)], &s);
        let c = compare(&before, &after);
        let eq = c
            .cvs
            .iter()
            .find(|x| x.indicator == Indicator::EquipmentValue)
            .unwrap();
        // Before: 500 and 4,500 元 per student around 2,500 (S = 2,000,
        // CV 0.8); after: 1,900 and 2,100 around 2,000 (CV 0.05).
        assert!((eq.before.unwrap() - 0.8).abs() < 1e-9, "{eq:?}");
        assert!((eq.after.unwrap() - 0.05).abs() < 1e-9, "{eq:?}");
        assert_eq!(
            eq.text_zh,
            "小学 生均教学仪器设备值差异系数0.8000→0.0500（下降0.7500），由未达标转为达标"
        );
        let area = c
            .cvs
            .iter()
            .find(|x| x.indicator == Indicator::TeachingArea)
            .unwrap();
        assert!(area.text_zh.ends_with("（持平）"), "{area:?}");
        assert_eq!(c.schools.len(), 1);
        assert!(
            c.schools[0].text_zh.starts_with("小学达到学校要求的学校："),
            "{:?}",
            c.schools
        );
    }
}
