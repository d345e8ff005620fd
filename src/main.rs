//! `loket`: the office hub's command line. Each subcommand is a thin call into the library.

use clap::{Parser, Subcommand};
use loket::{App, Error};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "loket", version, about = "Loket KTP-el: hub kantor layanan Dukcapil")]
struct Cli {
    /// Folder data (berisi loket.db). Bawaan: $LOKET_DATA_DIR atau folder data pengguna.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Berkas kunci basis data, untuk hub tanpa penyimpan kunci sistem (layanan systemd). Bawaan:
    /// $LOKET_KEY_FILE, atau penyimpan kunci sistem operasi.
    #[arg(long, global = true)]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the hub headless: API, UI for LAN browsers.
    Serve {
        /// Fixed address (e.g. 0.0.0.0:8470), never rebound. Without it: 127.0.0.1:8470, or
        /// 0.0.0.0:8470 while LAN access is on under Pengaturan, switched live.
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// The UI build to serve at `/` (bawaan: ui/dist).
        #[arg(long, default_value = "ui/dist")]
        ui_dir: PathBuf,
    },
    /// First-run setup: office and first administrator. Password from $LOKET_ADMIN_PASSWORD or stdin.
    Init {
        /// Kecamatan code, e.g. 61.01.09.
        #[arg(long)]
        district: String,
        #[arg(long)]
        office_name: String,
        /// Username of the first administrator.
        #[arg(long)]
        admin: String,
        #[arg(long, default_value = "Administrator")]
        admin_name: String,
    },
    /// Database maintenance.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Consistent copy of the live database (SQLite online backup).
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the database with a backup (stop the hub first). On a new machine, or when this
    /// machine's key is gone, give the office's recovery key.
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        recovery_key: Option<String>,
    },
    /// The database key: where it is kept, the recovery page, putting it back.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Sending records to the central server.
    Sync {
        #[command(subcommand)]
        command: SyncCommand,
    },
    /// Developer tools: generated bindings.
    #[command(hide = true)]
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Integrity check and migration state.
    Check,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Encrypted or not, where the key is kept, its fingerprint.
    Status,
    /// Write the recovery key page (PDF) to print and lock away.
    RecoveryPage {
        #[arg(long)]
        out: PathBuf,
    },
    /// Put the key back from the recovery key (this machine's credential store or key file lost it).
    Recover {
        #[arg(long)]
        recovery_key: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain (names the first broken row) and compare its end with the latest
    /// anchor: the head central confirmed at the last sync, or the newest backup's audit head.
    Verify,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Enroll this office hub at central with the token `loket-central device add` printed.
    Enroll { url: String, token: String },
    /// Online or not, records waiting, last success.
    Status,
    /// One exchange with central now (send, then fetch statuses); prints what it did.
    Run,
}

#[derive(Subcommand)]
enum DevCommand {
    /// Write the TypeScript bindings (ui/src/lib/api/types.gen.ts).
    GenTypes { #[arg(long)] out: PathBuf },
    /// Write the OpenAPI document.
    Openapi { #[arg(long)] out: PathBuf },
    /// Run SQL on the office database with its key (what the sqlite3 shell was for before the file
    /// was encrypted): rows printed `a|b|c`, one per line. Tests and repairs only.
    Sql { statement: String },
    /// Add finished recordings of people from a registry CSV (sync demos, tests, benchmark).
    SeedBacklog {
        #[arg(long)]
        registry: PathBuf,
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("LOKET_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Some(file) = &cli.key_file {
        // Read by loket::vault when the store opens; set before any thread starts.
        std::env::set_var(loket::vault::KEY_FILE_ENV, file);
    }
    let data_dir = cli.data_dir.unwrap_or_else(loket::default_data_dir);
    match run(cli.command, data_dir) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("galat: {}", e.message);
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, data_dir: PathBuf) -> Result<ExitCode, Error> {
    match command {
        Command::Serve { listen, ui_dir } => {
            let app = App::open(&data_dir)?;
            let rt = tokio::runtime::Runtime::new().map_err(Error::internal)?;
            rt.block_on(async move {
                let listen = match listen {
                    Some(addr) => loket::hub::Listen::Fixed(addr),
                    None => loket::hub::Listen::Setting { port: loket::DEFAULT_HUB_PORT },
                };
                let listener = loket::hub::HubListener::bind(&app, listen).await.map_err(|e| {
                    let shown = match listen {
                        loket::hub::Listen::Fixed(addr) => addr.to_string(),
                        loket::hub::Listen::Setting { port } => format!("port {port}"),
                    };
                    Error::field("listen", format!("Alamat {shown} tidak dapat dipakai: {e}."))
                })?;
                loket::hub::serve(app, listener, Some(ui_dir)).await.map_err(Error::internal)
            })?;
        }
        Command::Init { district, office_name, admin, admin_name } => {
            let password = match std::env::var("LOKET_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Kata sandi administrator (satu baris):");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line).map_err(Error::internal)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let app = App::open(&data_dir)?;
            let status = loket::setup::initialise(
                &app,
                loket::setup::SetupRequest {
                    district_code: district,
                    office_name,
                    admin_username: admin,
                    admin_full_name: admin_name,
                    admin_password: password,
                },
            )?;
            let office = status.office.expect("office after setup");
            println!(
                "Kantor '{}' (Kec. {}, {}, {}; {:?}) siap di {}.",
                office.name,
                office.district_name,
                office.regency_name,
                office.province_name,
                office.time_zone,
                data_dir.display()
            );
        }
        Command::Db { command: DbCommand::Check } => {
            let app = App::open(&data_dir)?;
            let report = app.store.check()?;
            println!("{}", serde_json::to_string_pretty(&report).map_err(Error::internal)?);
            if !report.healthy() {
                eprintln!("galat: basis data tidak sehat");
                return Ok(ExitCode::FAILURE);
            }
            println!("Basis data sehat (skema {}).", report.schema_version);
        }
        Command::Backup { to } => {
            let app = App::open(&data_dir)?;
            app.store.backup_to(&to)?;
            println!("Cadangan tersimpan di {}.", to.display());
        }
        Command::Restore { from, recovery_key } => {
            let recovery = recovery_key.as_deref().map(loket::vault::DbKey::parse_recovery).transpose()?;
            let kept = loket::store::restore(&data_dir, &from, recovery)?;
            println!("Basis data dipulihkan dari {}.", from.display());
            if !kept.as_os_str().is_empty() {
                println!("Basis data sebelumnya disimpan di {}.", kept.display());
            }
        }
        Command::Key { command } => match command {
            KeyCommand::Status => {
                println!("{}", serde_json::to_string_pretty(&loket::vault::status(&data_dir)?).map_err(Error::internal)?);
            }
            KeyCommand::RecoveryPage { out } => {
                let app = App::open(&data_dir)?;
                let pdf = loket::vault::recovery_page(&app, "cli", None)?;
                std::fs::write(&out, pdf).map_err(|e| Error::field("out", format!("{}: {e}", out.display())))?;
                println!("Halaman kunci pemulihan tersimpan di {}. Cetak, lalu hapus berkasnya.", out.display());
            }
            KeyCommand::Recover { recovery_key } => {
                let key = loket::vault::DbKey::parse_recovery(&recovery_key)?;
                let place = loket::store::recover_key(&data_dir, key)?;
                println!("Kunci basis data dipasang lagi ({}).", place.describe());
            }
        },
        Command::Audit { command: AuditCommand::Verify } => {
            let app = App::open(&data_dir)?;
            let report = loket::audit::verify_app(&app)?;
            if report.ok {
                println!("Jejak audit utuh: {} baris diperiksa.", report.rows_checked);
                println!("{}", report.end_message);
            } else {
                let reason = report.reason.clone().unwrap_or_default();
                match report.first_broken_seq {
                    Some(seq) => println!("Jejak audit RUSAK mulai baris {seq}: {reason}"),
                    None => println!("Jejak audit RUSAK: {reason}"),
                }
                if report.reason.as_deref() != Some(report.end_message.as_str()) {
                    println!("{}", report.end_message);
                }
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Sync { command } => {
            let app = App::open(&data_dir)?;
            match command {
                SyncCommand::Enroll { url, token } => {
                    let status = loket::sync::enroll(&app, "cli", loket::sync::EnrollRequest { central_url: url, token })?;
                    println!("Terdaftar di {} sebagai perangkat {}.", status.central_url.unwrap_or_default(), status.device_id.unwrap_or_default());
                }
                SyncCommand::Status => {
                    println!("{}", serde_json::to_string_pretty(&loket::sync::status(&app)?).map_err(Error::internal)?);
                }
                SyncCommand::Run => {
                    let rt = tokio::runtime::Runtime::new().map_err(Error::internal)?;
                    match rt.block_on(loket::sync::cycle(&app)) {
                        Ok(r) if !r.exchanged => {
                            eprintln!("galat: kantor ini belum terdaftar di server pusat (loket sync enroll URL TOKEN).");
                            return Ok(ExitCode::FAILURE);
                        }
                        Ok(r) => println!(
                            "Terkirim {}, dikarantina {}, dikirim ulang {}, perubahan dari pusat {}.",
                            r.sent, r.quarantined, r.resent_after_loss, r.changes_applied
                        ),
                        Err(f) => {
                            eprintln!("galat: {}", f.message());
                            return Ok(ExitCode::FAILURE);
                        }
                    }
                }
            }
        }
        Command::Dev { command } => {
            let registry = loket::app::registry();
            let (out, text) = match command {
                DevCommand::GenTypes { out } => (out, loket::api::typescript_bindings(&registry)),
                DevCommand::Openapi { out } => {
                    let doc = loket::api::openapi_document(&registry);
                    (out, serde_json::to_string_pretty(&doc).map_err(Error::internal)?)
                }
                DevCommand::Sql { statement } => {
                    let conn = loket::store::open_raw(&data_dir, false)?;
                    for line in loket::store::run_sql(&conn, &statement)? {
                        println!("{line}");
                    }
                    return Ok(ExitCode::SUCCESS);
                }
                DevCommand::SeedBacklog { registry, count, seed } => {
                    let app = App::open(&data_dir)?;
                    let people = loket::sync::backlog::read_people(&registry)?;
                    let n = loket::sync::backlog::seed(&app, &people, count, seed)?;
                    println!("{n} perekaman ditambahkan ke antrean kirim.");
                    return Ok(ExitCode::SUCCESS);
                }
            };
            std::fs::write(&out, text).map_err(|e| Error::field("out", e.to_string()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
