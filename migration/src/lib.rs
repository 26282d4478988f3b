//! Database migrations of renke. One change per file, named by timestamp;
//! a landed migration never changes.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_core;
mod m20261129_000002_respondent;
mod m20261129_000003_tallies;
mod m20261129_000004_audit;
mod m20261129_000005_timeline;
mod m20261129_000006_round_order;
mod m20261202_300001_device_marks_per_link;
mod m20261202_300002_shared_device;
mod m20261202_500001_round_purposes;
mod m20261202_600001_round_school_snapshot;
mod m20261203_710001_round_scales;
mod m20261203_ck0001_grade_classes;
mod m20261203_li0001_liaison;
mod m20261203_mp0001_sampling_caps;
mod m20261204_ld0001_tally_middle;
mod m20261204_ld0002_round_languages;
mod m20261204_ld0003_page_translations;
mod m20261204_ld0004_response_languages;
mod m20261204_pp0001_collection_mode;
mod m20261204_pp0002_paper_sheets;
mod m20261204_rd0001_readiness;
mod m20261204_rg0001_regions;
mod m20261204_rm0001_room_sessions;
mod m20261206_gq0001_checklist;
mod m20261206_iv0001_interview_assignments;
mod m20261206_ra0001_assessments;
mod m20261207_cy0001_county_on_every_row;
mod m20261208_md0001_mode_tallies;
mod m20261209_cg0001_cache_generations;
mod m20261210_au0001_audit_county;
mod m20261210_cr0001_county_required;
mod m20261211_dk0001_distribution_keys;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_core::Migration),
            Box::new(m20261129_000002_respondent::Migration),
            Box::new(m20261129_000003_tallies::Migration),
            Box::new(m20261129_000004_audit::Migration),
            Box::new(m20261129_000005_timeline::Migration),
            Box::new(m20261129_000006_round_order::Migration),
            Box::new(m20261202_600001_round_school_snapshot::Migration),
            Box::new(m20261202_300001_device_marks_per_link::Migration),
            Box::new(m20261202_300002_shared_device::Migration),
            Box::new(m20261202_500001_round_purposes::Migration),
            Box::new(m20261203_710001_round_scales::Migration),
            Box::new(m20261203_mp0001_sampling_caps::Migration),
            Box::new(m20261204_ld0001_tally_middle::Migration),
            Box::new(m20261204_ld0002_round_languages::Migration),
            Box::new(m20261204_ld0003_page_translations::Migration),
            Box::new(m20261204_ld0004_response_languages::Migration),
            Box::new(m20261204_rm0001_room_sessions::Migration),
            Box::new(m20261204_rd0001_readiness::Migration),
            Box::new(m20261204_rg0001_regions::Migration),
            Box::new(m20261204_pp0001_collection_mode::Migration),
            Box::new(m20261204_pp0002_paper_sheets::Migration),
            Box::new(m20261206_gq0001_checklist::Migration),
            Box::new(m20261206_iv0001_interview_assignments::Migration),
            Box::new(m20261206_ra0001_assessments::Migration),
            Box::new(m20261203_li0001_liaison::Migration),
            Box::new(m20261203_ck0001_grade_classes::Migration),
            Box::new(m20261207_cy0001_county_on_every_row::Migration),
            Box::new(m20261208_md0001_mode_tallies::Migration),
            Box::new(m20261209_cg0001_cache_generations::Migration),
            Box::new(m20261210_cr0001_county_required::Migration),
            Box::new(m20261210_au0001_audit_county::Migration),
            Box::new(m20261211_dk0001_distribution_keys::Migration),
        ]
    }
}
