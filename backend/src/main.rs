use std::process::ExitCode;

use clap::Parser;
use languard::app::Application;
use languard::cli::{self, read_password, Cli, Command, UserCommand};
use languard::config::Config;
use languard::db::Db;
use languard::http::page::PageRequest;
use languard::users::{model::CreateUserRequest, service as users};

fn main() -> ExitCode {
    limit_malloc_arenas();
    actix_web::rt::System::new().block_on(start())
}

/// glibc gives threads that allocate at once arenas of their own, up to eight per core, and
/// each keeps the memory freed into it; for a process that mostly waits, two arenas hold the
/// same work in a fraction of the memory.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it runs before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// glibc hands freed memory back to the system only from the top of a heap; pages freed below
/// stay resident. Asked right after start-up (building the OpenAPI document and migrating free
/// a lot) and then every minute, so a burst such as a log flood does not pin its peak.
async fn release_freed_memory_forever() {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        // On a blocking thread: it walks the heaps, and this thread runs the tailers.
        let _ = tokio::task::spawn_blocking(|| {
            #[cfg(all(target_os = "linux", target_env = "gnu"))]
            // SAFETY: malloc_trim only returns free pages of the allocator's own heaps.
            unsafe {
                libc::malloc_trim(0);
            }
        })
        .await;
    }
}

async fn start() -> ExitCode {
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
    languard::app::private_data_dir(&config.data_dir)?;
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
            actix_web::rt::spawn(release_freed_memory_forever());
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
                    // This process has no open sockets to tell.
                    let access = languard::auth::AccessChanges::default();
                    users::set_password(&db, &access, row.id, password, None)
                        .await
                        .map_err(api)?;
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
        Command::Openapi => print!(
            "{}",
            languard::openapi::to_json(&languard::openapi::document(languard::app::api_routes))
        ),
    }
    Ok(())
}
