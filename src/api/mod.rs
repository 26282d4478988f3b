//! The JSON API: one file per area, each an `#[OpenApi]` struct; combined
//! here into one service documented at `/api/openapi.json`.

pub mod access_codes;
pub mod accounts;
pub mod allow;
pub mod assessment_sheets;
pub mod assessment_types;
pub mod assessment_view;
pub mod assessments;
pub mod audit;
pub mod auth;
pub mod checklist;
pub mod checklist_types;
pub mod compare_types;
pub mod county;
pub mod county_compare_types;
pub mod exports;
pub mod health;
pub mod integrity_sources;
pub mod integrity_types;
pub mod interview_types;
pub mod interview_upload;
pub mod interviews;
pub mod liaison_types;
pub mod liaisons;
pub mod links;
pub mod page_texts;
pub mod paper;
pub mod paper_entry;
pub mod paper_print;
pub mod prepared_json;
pub mod printing;
pub mod public;
pub mod questionnaires;
pub mod readiness;
pub mod readiness_change_types;
pub mod readiness_report;
pub mod readiness_types;
pub mod region_compare;
pub mod region_sheets;
pub mod regions;
pub mod report_areas;
pub mod report_sheets;
pub mod report_types;
pub mod reports;
pub mod room_types;
pub mod rooms;
pub mod rounds;
pub mod sampling_types;
pub mod schools;
pub mod templates;
pub mod timeline;
pub mod types;

use poem::{IntoResponse, Response, http::StatusCode};
use poem_openapi::{OpenApiService, Tags};

use crate::error::ErrorCode;

#[derive(Tags)]
pub enum ApiTags {
    /// Login, logout and the current account.
    Auth,
    /// Accounts and roles (admins).
    Accounts,
    /// The county profile.
    County,
    /// The region tree (省 → 州市 → 县区).
    Regions,
    /// Assessments run from above over several counties, and their comparison.
    Assessments,
    /// Schools and their import.
    Schools,
    /// Built-in questionnaire templates.
    Templates,
    /// Survey rounds and their lifecycle.
    Rounds,
    /// The questionnaires of a round.
    Questionnaires,
    /// Survey links of a round: QR codes, posters, access codes.
    Links,
    /// Room sessions (机房答题): pupils answering in the computer room.
    Rooms,
    /// Reports, sampling progress, integrity panel, comparisons.
    Reports,
    /// Reports and raw responses as XLSX and CSV files.
    Exports,
    /// What respondents use, without login.
    Public,
    /// Service health.
    Health,
    /// The audit log (admins).
    Audit,
    Readiness,
    /// Paper questionnaires keyed by data-entry clerks (录入员).
    Paper,
    /// On-site interviews recorded offline by interviewers (访谈员).
    Interviews,
    /// School liaisons (学校联络员) and the computer-room sessions they run.
    Liaisons,
}

/// Declares the API areas once, as the type of the spec's service and its
/// value. poem-openapi implements `OpenApi` for tuples of at most 16: the
/// areas are grouped.
macro_rules! api_areas {
    ($( ( $($api:path),* $(,)? ) ),* $(,)?) => {
        pub type AllApis = ( $( ( $($api,)* ), )* );
        fn apis() -> AllApis {
            ( $( ( $($api,)* ), )* )
        }
    };
}

api_areas! {
    (
        auth::AuthApi,
        accounts::AccountsApi,
        county::CountyApi,
        regions::RegionsApi,
        region_compare::RegionCompareApi,
        schools::SchoolsApi,
        templates::TemplatesApi,
        audit::AuditApi,
        health::HealthApi,
        page_texts::PageTextsApi,
    ),
    (
        rounds::RoundsApi,
        questionnaires::QuestionnairesApi,
        links::LinksApi,
        printing::PrintingApi,
        access_codes::AccessCodesApi,
        public::PublicApi,
        rooms::RoomsApi,
        liaisons::LiaisonsApi,
    ),
    (
        reports::ReportsApi,
        timeline::TimelineApi,
        exports::ExportsApi,
        readiness::ReadinessApi,
        checklist::ChecklistApi,
        paper::PaperApi,
        paper_print::PaperPrintApi,
        interviews::InterviewsApi,
        assessments::AssessmentsApi,
    ),
}

pub fn service(_public_url: Option<&str>) -> OpenApiService<AllApis, ()> {
    OpenApiService::new(apis(), "renke 认可 API", env!("CARGO_PKG_VERSION"))
        .description(
            "社会认可度调查 — the social recognition survey of county inspections for \
         high-quality balanced compulsory education. Every error is `{code, message}`.",
        )
        .server("/api")
}

/// The OpenAPI spec as served at `/api/openapi.json`, for `renke openapi`
/// and the console's generated client (`frontend/openapi.json`).
pub fn spec_json() -> String {
    service(None).spec()
}

/// Turns any error that escaped an operation (unknown route, wrong method,
/// failed login check) into the `{code, message}` body.
pub async fn json_error(err: poem::Error) -> Response {
    if err.is_from_response() {
        // Already a `{code, message}` answer built by our own code.
        return err.into_response();
    }
    let status = err.status();
    let (code, message) = match status {
        StatusCode::BAD_REQUEST => (ErrorCode::BadRequest, format!("请求格式错误：{err}")),
        StatusCode::UNAUTHORIZED => (ErrorCode::Unauthorized, "请先登录".to_string()),
        StatusCode::FORBIDDEN => (ErrorCode::Forbidden, "没有权限".to_string()),
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "接口不存在".to_string()),
        StatusCode::METHOD_NOT_ALLOWED => {
            (ErrorCode::MethodNotAllowed, "不支持该请求方法".to_string())
        }
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::PayloadTooLarge, "请求体过大".to_string()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "不支持的内容类型（Content-Type）".to_string(),
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            ErrorCode::Unavailable,
            "服务暂时不可用，请稍后再试".to_string(),
        ),
        s if s.is_server_error() => {
            tracing::error!(error = %err, "unhandled error");
            (
                ErrorCode::Internal,
                "服务器内部错误，请稍后再试".to_string(),
            )
        }
        _ => (ErrorCode::Error, err.to_string()),
    };
    poem::web::Json(serde_json::json!({
        "code": code.code(),
        "message": message,
    }))
    .with_status(status)
    .into_response()
}
