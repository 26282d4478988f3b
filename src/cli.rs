//! Command-line account management: `renke admin create|reset-password`.

use crate::{
    app::{self, Actor, Ctx},
    config::{AdminAction, Settings},
    credentials::Role,
    store::{self, db},
};

/// Copies a live SQLite database with `VACUUM INTO`: one read transaction,
/// so the copy is consistent even while submissions are being written.
pub async fn backup(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    if settings.is_postgres() {
        anyhow::bail!(
            "renke backup copies SQLite databases; for PostgreSQL use: pg_dump --format=custom --file=renke.dump <database>"
        );
    }
    if file.exists() {
        anyhow::bail!("{} already exists; choose a new file", file.display());
    }
    let path = file
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup path must be valid UTF-8"))?;
    let conn = db::connect(settings).await?;
    db::backup_into(&conn, path).await?;
    println!("已备份到 {}", file.display());
    Ok(())
}

pub async fn admin(settings: &Settings, action: AdminAction) -> anyhow::Result<()> {
    let conn = db::connect(settings).await?;
    db::migrate(&conn).await?;
    match action {
        AdminAction::Create {
            username,
            role,
            display_name,
        } => {
            let role = Role::from_code(&role).ok_or_else(|| {
                anyhow::anyhow!("unknown role `{role}`: use admin, organiser, reviewer, clerk, interviewer or liaison")
            })?;
            let (_, password) = app::accounts::create(
                Ctx::without_caches(&conn),
                Actor::CLI,
                None,
                &username,
                display_name.as_deref().unwrap_or(&username),
                role,
                None,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "已创建账号 {username}（{}），密码：{password}",
                role.label_zh()
            );
        }
        AdminAction::ResetPassword { username } => {
            let account = store::accounts::find_by_username(&conn, &username)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .ok_or_else(|| anyhow::anyhow!("no account named `{username}`"))?;
            let password =
                app::accounts::reset_password(Ctx::without_caches(&conn), Actor::CLI, account.id)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已重置 {username} 的密码：{password}（原有登录已全部失效）");
        }
    }
    Ok(())
}
