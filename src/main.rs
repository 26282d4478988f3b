use renke::{
    cli,
    config::{Cli, Command},
    startup::Application,
    telemetry,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    renke::memory::limit_arenas();
    let cli = Cli::load()?;
    telemetry::init(cli.settings.log_format);
    match cli.command {
        None | Some(Command::Serve) => {
            let app = Application::build(cli.settings).await?;
            app.run_until(telemetry::shutdown_signal()).await
        }
        Some(Command::Admin { action }) => cli::admin(&cli.settings, action).await,
        Some(Command::Backup { file }) => cli::backup(&cli.settings, &file).await,
        Some(Command::Demo) => renke::demo::run(&cli.settings).await,
        Some(Command::Openapi) => {
            println!("{}", renke::api::spec_json());
            Ok(())
        }
    }
}
