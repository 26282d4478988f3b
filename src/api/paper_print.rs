//! Printable paper questionnaires of a link (A4 HTML), each sheet with its
//! serial and a QR code naming the link and serial (`RKP:<link>:<serial>`),
//! which the entry page reads from a scanner or the camera.

use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::Html,
};

use super::ApiTags;
use crate::error::{Answer, ReviewerQuery};
use crate::{
    auth::{Auth, Role},
    domain::questionnaire::ItemKind,
    error::AppError,
    pages::paper_sheet::{self, PaperView, PrintItem},
    qr::Matrix,
    state::AppState,
    store, survey,
};

/// Most sheets one print run makes.
const MAX_SHEETS: u32 = 500;

pub struct PaperPrintApi;

#[OpenApi(tag = "ApiTags::Paper")]
impl PaperPrintApi {
    /// Paper questionnaires of one link to print (organiser): `count` A4
    /// sheets (1–500) numbered from `start` (default 1) as
    /// `P<link>-<0001>`, with the round, school and group printed, the same
    /// items and options as on the phone, and a QR code of the link and
    /// serial (never of a respondent). Serials are unique in the round; a
    /// second run should start after the first's last number.
    #[oai(
        path = "/rounds/:id/links/:link_id/paper-sheets",
        method = "get",
        operation_id = "print_paper_sheets"
    )]
    async fn print_paper_sheets(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
        count: Query<Option<u32>>,
        start: Query<Option<u32>>,
    ) -> Answer<Html<String>, ReviewerQuery> {
        auth.require(Role::Organiser)?;
        let count = count.0.unwrap_or(20);
        if !(1..=MAX_SHEETS).contains(&count) {
            return Err(
                AppError::invalid_field("count", format!("份数须在1到{MAX_SHEETS}之间")).into(),
            );
        }
        let start = start.0.unwrap_or(1);
        if !(1..=9000).contains(&start) {
            return Err(AppError::invalid_field("start", "起始编号须在1到9000之间").into());
        }
        let detail = store::rounds::get(&state.db, id.0).await?;
        let row = store::links::list(&state.db, &store::scope::Rounds::one(&detail.round))
            .await?
            .into_iter()
            .find(|r| r.link.id == link_id.0)
            .ok_or_else(|| AppError::not_found("本轮没有这个调查链接"))?;
        let group = row
            .link
            .group
            .ok_or_else(|| AppError::Unexpected("link group unknown".into()))?;
        let q = store::rounds::questionnaire(
            &state.db,
            &store::scope::Rounds::one(&detail.round),
            group,
        )
        .await?;
        let audience = match &row.school {
            Some(s) => format!("{} · {}问卷", s.name, group.label_zh()),
            None => format!("{}问卷", group.label_zh()),
        };
        let sheets = {
            let _permit = state.heavy.permit().await?;
            (start..start.saturating_add(count))
                .map(|n| {
                    let serial = paper_sheet::serial(row.link.id, n);
                    let svg = Matrix::encode(&paper_sheet::sheet_code(row.link.id, &serial))?
                        .svg(&serial);
                    Ok((serial, svg))
                })
                .collect::<Result<Vec<_>, AppError>>()?
        };
        let closes = survey::beijing(detail.round.closes_at);
        Ok(Html(paper_sheet::render(&PaperView {
            round_name: &detail.round.name,
            audience: &audience,
            title: &q.title,
            intro: &q.intro,
            closes_at: &closes,
            items: q
                .items
                .iter()
                .map(|i| PrintItem {
                    text: &i.text,
                    options: if i.kind == ItemKind::Text {
                        vec![]
                    } else {
                        i.options
                            .iter()
                            .map(|o| (o.code, o.label.as_str()))
                            .collect()
                    },
                })
                .collect(),
            sheets,
        })))
    }
}
