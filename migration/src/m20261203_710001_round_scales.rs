//! Scales and readings per round (issue 16): a round's frozen scoring rule
//! now names its answer scale, the reading of the scale's middle option and
//! the full marks of the mean-score formula. Rounds stored before had one
//! scale: 满意/比较满意/一般/不满意/不了解, 一般 not recognised, points
//! 5/4/3/2 with the mean ×20. This writes exactly that into their rule
//! (`five_general`, `strict`, full marks 5). Questionnaires, answers and
//! tallies are not touched, so every stored rate stays as it was.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What the rule of a round stored before scales were chosen meant.
const LEGACY: &str = r#""scale":"five_general","reading":"strict","full_points":5"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The rule is a JSON object stored as text, e.g.
        // {"formula":"share_recognised","group_weights":{}}: the fields go
        // in front of the existing ones, once.
        let sql = format!(
            "UPDATE rounds SET scoring_rule = CASE \
               WHEN scoring_rule = '{{}}' THEN '{{{LEGACY}}}' \
               ELSE '{{{LEGACY},' || substr(scoring_rule, 2) END \
             WHERE scoring_rule LIKE '{{%' AND scoring_rule NOT LIKE '%\"scale\"%'"
        );
        m.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let sql = format!(
            "UPDATE rounds SET scoring_rule = '{{' || substr(scoring_rule, {}) \
             WHERE scoring_rule LIKE '{{{LEGACY},%'",
            LEGACY.len() + 3
        );
        m.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }
}
