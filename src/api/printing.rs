//! Getting links onto paper and phones: each link's QR code (PNG, SVG), a
//! ZIP of every code of a round, and the print-ready posters.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::{Binary, Html},
};
use std::io::Write;

use super::{
    ApiTags,
    links::{LinkOut, PublicBase, link_out, public_base},
};
use crate::error::{Answer, ReviewerQuery, ReviewerRead};
use crate::{
    auth::{Auth, Role},
    error::AppError,
    pages::posters::{self, PosterCode, PosterRound, Sheet},
    qr::{self, Matrix},
    state::AppState,
    store, survey,
};

#[derive(ApiResponse)]
pub enum PngResponse {
    /// The QR code as a greyscale PNG, quiet zone included.
    #[oai(status = 200, content_type = "image/png")]
    Ok(
        Binary<Vec<u8>>,
        #[oai(header = "Content-Disposition")] String,
    ),
}

#[derive(ApiResponse)]
pub enum SvgResponse {
    /// The QR code as SVG, quiet zone included.
    #[oai(status = 200, content_type = "image/svg+xml")]
    Ok(
        Binary<Vec<u8>>,
        #[oai(header = "Content-Disposition")] String,
    ),
}

#[derive(ApiResponse)]
pub enum ZipResponse {
    /// A ZIP of one PNG per enabled link, named
    /// `<school code>_<school name>_<group>.png` (county-level groups:
    /// `县级_<group>.png`).
    #[oai(status = 200, content_type = "application/zip")]
    Ok(
        Binary<Vec<u8>>,
        #[oai(header = "Content-Disposition")] String,
    ),
}

/// A Content-Disposition with an ASCII fallback and the UTF-8 name.
fn disposition(kind: &str, ascii: &str, utf8: &str) -> String {
    let encoded: String = utf8
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file name without characters that file systems refuse.
fn file_name(link: &LinkOut) -> String {
    let raw = match (&link.school_code, &link.school_name) {
        (Some(code), Some(name)) => format!("{code}_{name}_{}", link.group_label),
        _ => format!("县级_{}", link.group_label),
    };
    let clean: String = raw
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    format!("{}.png", clean.trim())
}

/// A link of a round, as the API shows it.
pub(super) async fn one_link(
    state: &AppState,
    round_id: i64,
    link_id: i64,
) -> Result<LinkOut, AppError> {
    let pb = public_base(state);
    store::links::list(
        &state.db,
        &store::scope::Rounds::read(&state.db, round_id).await?,
    )
    .await?
    .into_iter()
    .find(|r| r.link.id == link_id)
    .map(|r| link_out(&pb.base, r))
    .ok_or_else(|| AppError::not_found("链接不存在"))
}

async fn enabled_links(
    state: &AppState,
    round_id: i64,
) -> Result<(PublicBase, Vec<LinkOut>), AppError> {
    let round = store::rounds::get(&state.db, round_id).await?;
    let pb = public_base(state);
    let links = store::links::list(&state.db, &store::scope::Rounds::one(&round.round))
        .await?
        .into_iter()
        .filter(|r| r.link.enabled)
        .map(|r| link_out(&pb.base, r))
        .collect();
    Ok((pb, links))
}

/// One sheet per school with its groups' codes, one for the county-level
/// groups.
fn poster_sheets(links: Vec<LinkOut>) -> Result<Vec<Sheet>, AppError> {
    let mut sheets: Vec<(Option<i64>, Sheet)> = Vec::new();
    for link in links {
        let code = PosterCode {
            svg: Matrix::encode(&link.url)?.svg(&link.group_label),
            group_label: link.group_label,
            url: link.url,
        };
        // Links come sorted by school code, county-level groups last.
        match sheets.last_mut() {
            Some((school, sheet)) if *school == link.school_id => sheet.codes.push(code),
            _ => sheets.push((
                link.school_id,
                Sheet {
                    school_name: link.school_name,
                    codes: vec![code],
                },
            )),
        }
    }
    Ok(sheets.into_iter().map(|(_, s)| s).collect())
}

/// Every link's PNG in one ZIP (stored, not deflated: PNGs are compressed).
fn zip_codes(links: &[LinkOut], size: u32) -> Result<Vec<u8>, AppError> {
    let zipped = |e: zip::result::ZipError| AppError::Unexpected(format!("zip: {e}"));
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for link in links {
        let png = Matrix::encode(&link.url)?.png(size)?;
        zw.start_file(file_name(link), opts).map_err(zipped)?;
        zw.write_all(&png)
            .map_err(|e| AppError::Unexpected(format!("zip: {e}")))?;
    }
    Ok(zw.finish().map_err(zipped)?.into_inner())
}

pub struct PrintingApi;

#[OpenApi(tag = "ApiTags::Links")]
impl PrintingApi {
    /// A link's QR code as PNG, encoding `<public base URL>/s/<token>`.
    /// `size` is the largest width in pixels (100–4000, default 600); the
    /// image is a whole number of pixels per module, so it may be a little
    /// smaller. Error correction level M, 4-module quiet zone.
    #[oai(
        path = "/rounds/:id/links/:link_id/qr.png",
        method = "get",
        operation_id = "get_link_qr_png"
    )]
    async fn get_link_qr_png(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
        size: Query<Option<u32>>,
    ) -> Answer<PngResponse, ReviewerQuery> {
        auth.require(Role::Reviewer)?;
        let size = qr::png_size(size.0)?;
        let link = one_link(&state, id.0, link_id.0).await?;
        let url = link.url.clone();
        let png = state
            .heavy
            .compute(move || Matrix::encode(&url)?.png(size))
            .await?;
        let name = disposition("inline", &format!("qr-{}.png", link.id), &file_name(&link));
        Ok(PngResponse::Ok(Binary(png), name))
    }

    /// A link's QR code as SVG, for print at any size.
    #[oai(
        path = "/rounds/:id/links/:link_id/qr.svg",
        method = "get",
        operation_id = "get_link_qr_svg"
    )]
    async fn get_link_qr_svg(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
    ) -> Answer<SvgResponse, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let link = one_link(&state, id.0, link_id.0).await?;
        let url = link.url.clone();
        let svg = state
            .heavy
            .compute(move || Ok(Matrix::encode(&url)?.svg(&url)))
            .await?;
        let stem = file_name(&link);
        let utf8 = format!("{}.svg", stem.trim_end_matches(".png"));
        let name = disposition("inline", &format!("qr-{}.svg", link.id), &utf8);
        Ok(SvgResponse::Ok(Binary(svg.into_bytes()), name))
    }

    /// Every enabled link's QR code as PNG, in one ZIP. `size` as for one code.
    #[oai(
        path = "/rounds/:id/qr.zip",
        method = "get",
        operation_id = "get_round_qr_zip"
    )]
    async fn get_round_qr_zip(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        size: Query<Option<u32>>,
    ) -> Answer<ZipResponse, ReviewerQuery> {
        auth.require(Role::Reviewer)?;
        let size = qr::png_size(size.0)?;
        let (_, links) = enabled_links(&state, id.0).await?;
        let bytes = state.heavy.compute(move || zip_codes(&links, size)).await?;
        let name = format!("renke-round-{}-qr.zip", id.0);
        Ok(ZipResponse::Ok(
            Binary(bytes),
            disposition("attachment", &name, &name),
        ))
    }

    /// Print-ready posters (HTML with print CSS, A4): one page per school
    /// with its groups' QR codes, one for the county-level groups, each with
    /// the round title, the closing date (Beijing time) and a short
    /// instruction with the anonymity promise. Disabled links are left out.
    /// When phones cannot open the links, every page says so.
    #[oai(
        path = "/rounds/:id/posters",
        method = "get",
        operation_id = "get_round_posters"
    )]
    async fn get_round_posters(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Html<String>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let detail = store::rounds::get(&state.db, id.0).await?;
        let (pb, links) = enabled_links(&state, id.0).await?;
        let sheets = state.heavy.compute(move || poster_sheets(links)).await?;
        let closes = survey::beijing(detail.round.closes_at);
        Ok(Html(posters::render(
            &PosterRound {
                round_name: &detail.round.name,
                closes_at: &closes,
                warning: pb.warning.as_deref(),
            },
            &sheets,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_names_are_percent_encoded() {
        assert_eq!(
            disposition("attachment", "a.png", "县级_人大代表.png"),
            "attachment; filename=\"a.png\"; filename*=UTF-8''%E5%8E%BF%E7%BA%A7_%E4%BA%BA%E5%A4%A7%E4%BB%A3%E8%A1%A8.png"
        );
    }
}
