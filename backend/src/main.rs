use std::process::ExitCode;

use clap::Parser;
use languard::app::Application;
use languard::cli::{self, read_password, Cli, Command, UserCommand};
use languard::config::Config;
use languard::db::Db;
use languard::http::page::PageRequest;
use languard::users::{model::CreateUserRequest, service as users};

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.load_config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("languard: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&config.log_level))
        .with_writer(std::io::stderr)
        .init();
    match run(cli.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("languard: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn connect(config: &Config) -> anyhow::Result<Db> {
    std::fs::create_dir_all(&config.data_dir)?;
    let url = config.database_url.clone();
    let size = config.db_pool_size.min(2);
    tokio::task::spawn_blocking(move || Db::connect(&url, size)).await?
}

fn api(e: languard::error::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{}", e.body().message)
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = Application::build(config).await?;
            println!("Languard listening on http://{}", app.addr());
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = connect(&config).await?;
            println!("migrations applied ({})", db.backend_name());
        }
        Command::CheckConfig => {
            println!("configuration is valid:");
            for (key, value) in config.describe() {
                println!("  {key:<18} {value}");
            }
        }
        Command::User { command } => {
            let db = connect(&config).await?;
            match command {
                UserCommand::Add { username, role } => {
                    let password = read_password("Password")?;
                    let user = users::create(
                        &db,
                        CreateUserRequest {
                            username,
                            password,
                            role: role.into(),
                        },
                    )
                    .await
                    .map_err(api)?;
                    println!("created user `{}` ({})", user.username, user.role.as_str());
                }
                UserCommand::Passwd { username } => {
                    let row = users::find_by_username(&db, username.clone())
                        .await
                        .map_err(api)?
                        .ok_or_else(|| anyhow::anyhow!("no user named `{username}`"))?;
                    let password = read_password("New password")?;
                    users::set_password(&db, row.id, password, None).await.map_err(api)?;
                    println!("password of `{username}` changed; their sessions were ended");
                }
                UserCommand::List => {
                    let mut page = 1;
                    println!(
                        "{:<6} {:<32} {:<9} {:<8} last login",
                        "id", "username", "role", "disabled"
                    );
                    loop {
                        let list = users::list(&db, PageRequest::parse(Some(page), Some(200)).map_err(api)?)
                            .await
                            .map_err(api)?;
                        for u in &list.items {
                            let last = u.last_login_at.map_or("never".to_owned(), |t| t.to_rfc3339());
                            println!(
                                "{:<6} {:<32} {:<9} {:<8} {last}",
                                u.id,
                                u.username,
                                u.role.as_str(),
                                u.disabled
                            );
                        }
                        if page * 200 >= list.total {
                            break;
                        }
                        page += 1;
                    }
                }
            }
        }
        Command::Rcon {
            flavour,
            port,
            host,
            command,
        } => {
            let reply = cli::rcon(flavour, port, &host, &command).await?;
            if reply.is_empty() || reply.ends_with('\n') {
                print!("{reply}");
            } else {
                println!("{reply}");
            }
        }
        Command::Openapi => print!("{}", languard::openapi::to_json(&languard::openapi::document())),
    }
    Ok(())
}
