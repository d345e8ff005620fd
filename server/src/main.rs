//! `loket-central`: the server and its administration commands. Every command takes `--data-dir`
//! (SQLite, the default) or `--database-url postgres://…`.

use clap::{Parser, Subcommand};
use loket_central::storage::Target;
use loket_central::verify::Verdict;
use loket_central::{appointments, devices, registry, status, summaries, verify, Central};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "loket-central", version, about = "Server pusat Loket KTP-el: menerima rekaman kantor, memverifikasi, mengirim status kembali")]
struct Cli {
    /// Folder data (SQLite `central.db`). Bawaan: ~/.local/share/loket-central.
    #[arg(long, global = true, env = "LOKET_CENTRAL_DATA_DIR", conflicts_with = "database_url")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL, mis. postgres://loket@127.0.0.1:5432/loket_central (menggantikan SQLite).
    #[arg(long, global = true, env = "LOKET_CENTRAL_DATABASE_URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server; the first line on stdout is `listening on http://ADDR`.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8480")]
        listen: String,
        /// A file whose first line is the token that opens GET /api/v1/summaries (or set
        /// LOKET_CENTRAL_REPORTS_TOKEN); without one that address answers 404.
        #[arg(long, value_name = "PATH")]
        reports_token_file: Option<PathBuf>,
    },
    /// Office devices: enrollment tokens, list, revoke.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// The population registry (SIAK mirror).
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// Decide a recording waiting as DUPLICATE_RECORD.
    Adjudicate {
        recording_id: String,
        /// The recording is the right one: PRINT_READY_RECORD.
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        print_ready: bool,
        /// Refuse it with this reason: ENROLL_FAILURE.
        #[arg(long, value_name = "REASON")]
        reject: Option<String>,
    },
    /// Appointments booked at central for an office's kiosk.
    Appointment {
        #[command(subcommand)]
        command: AppointmentCommand,
    },
    /// Every office's daily summaries (what each closed day's report said), one line per office and day.
    Summaries {
        #[arg(long)]
        office: Option<String>,
        /// The first day, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// The last day (inclusive), YYYY-MM-DD.
        #[arg(long)]
        to: Option<String>,
        /// CSV with a header instead of lines.
        #[arg(long)]
        csv: bool,
    },
    /// Records per office and outcome, recording statuses, devices and their contiguous seq, blank cards, card hand-overs and Suket per office.
    Status {
        #[arg(long)]
        office: Option<String>,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Print a one-time enrollment token (valid 7 days) for an office.
    Add {
        #[arg(long)]
        office: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    List,
    Revoke { device_id: String },
}

#[derive(Subcommand)]
enum RegistryCommand {
    /// Import FILE.csv (nik,full_name,sex,birth_place,birth_date[,kk_number,…]).
    Import { file: PathBuf },
    /// Write a synthetic registry with valid NIKs.
    Generate {
        #[arg(long)]
        count: usize,
        #[arg(long)]
        office: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum AppointmentCommand {
    /// Book a slot; prints the booking code.
    Add {
        #[arg(long)]
        office: String,
        /// The office's service letter, e.g. A.
        #[arg(long)]
        service: String,
        /// Office-local time, e.g. 2026-11-24T09:00.
        #[arg(long)]
        slot: String,
        #[arg(long)]
        name: String,
    },
    /// Cancel by id or booking code.
    Cancel { id: String },
}

fn target(cli: &Cli) -> Target {
    match (&cli.database_url, &cli.data_dir) {
        (Some(url), _) => Target::Postgres(url.clone()),
        (None, Some(dir)) => Target::Sqlite(dir.clone()),
        (None, None) => Target::Sqlite(dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("loket-central")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LOKET_CENTRAL_LOG").unwrap_or_else(|_| "loket_central=info".into()),
        )
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("galat: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Registry { command: RegistryCommand::Generate { count, office, out, seed } } = &cli.command {
        // Needs no database.
        let file = std::fs::File::create(out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
        let today = chrono::Utc::now().date_naive();
        registry::generate(std::io::BufWriter::new(file), *count, office, *seed, today)?;
        eprintln!("{count} orang ditulis ke {}", out.display());
        return Ok(());
    }
    let central = Central::open(&target(&cli))?;
    match cli.command {
        Command::Serve { listen, reports_token_file } => {
            let reports_token = summaries::ReportsToken::configured(reports_token_file.as_deref(), std::env::var("LOKET_CENTRAL_REPORTS_TOKEN").ok())?;
            serve(central, &listen, loket_central::http::Options { reports_token })?
        }
        Command::Device { command } => match command {
            DeviceCommand::Add { office, name } => {
                let token = devices::add(&central, &office, &name)?;
                println!("{token}");
                eprintln!(
                    "Token sekali pakai untuk kantor {office}, berlaku {} hari. Di kantor: menu Sinkronisasi, atau `loket sync enroll URL TOKEN`.",
                    devices::TOKEN_VALIDITY_DAYS
                );
            }
            DeviceCommand::List => {
                let list = devices::list(&central)?;
                if list.is_empty() {
                    println!("(belum ada perangkat)");
                }
                for d in list {
                    let seen = d.last_seen_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "-".into());
                    let state = if d.revoked_at.is_some() { "dicabut" } else { "aktif" };
                    println!("{}  {}  {}  seq={}  kiriman terakhir={}  {}", d.id, d.office, d.name, d.contiguous_seq, seen, state);
                }
            }
            DeviceCommand::Revoke { device_id } => {
                let d = devices::revoke(&central, &device_id)?;
                println!("Perangkat {} ({}, {}) dicabut.", d.id, d.office, d.name);
            }
        },
        Command::Registry { command: RegistryCommand::Import { file } } => {
            let f = std::fs::File::open(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let report = registry::import(&central, std::io::BufReader::new(f))?;
            println!("Diimpor: {} baris", report.imported);
            println!("Ditolak: {} baris", report.refused.len());
            for (line, reason) in report.refused.iter().take(200) {
                println!("  baris {line}: {reason}");
            }
            if report.refused.len() > 200 {
                println!("  … dan {} baris lainnya", report.refused.len() - 200);
            }
        }
        Command::Registry { command: RegistryCommand::Generate { .. } } => unreachable!("handled above"),
        Command::Adjudicate { recording_id, print_ready, reject } => {
            let verdict = match (print_ready, reject) {
                (true, _) => Verdict::PrintReady,
                (false, Some(reason)) => Verdict::Reject(reason),
                (false, None) => anyhow::bail!("pilih --print-ready atau --reject \"alasan\""),
            };
            let s = verify::adjudicate(&central, &recording_id, verdict)?;
            println!("{} → {}{}", s.recording_id, s.status, s.reason.map(|r| format!(" ({r})")).unwrap_or_default());
        }
        Command::Appointment { command } => match command {
            AppointmentCommand::Add { office, service, slot, name } => {
                let a = appointments::add(&central, &office, &service, &slot, &name)?;
                println!("{}", a.booking_code);
                eprintln!("Janji temu {} untuk {} di kantor {}, layanan {}, {} (id {}).", a.booking_code, a.applicant_name, a.office, a.service, a.slot, a.id);
            }
            AppointmentCommand::Cancel { id } => {
                let a = appointments::cancel(&central, &id)?;
                println!("Janji temu {} ({}) dibatalkan.", a.booking_code, a.slot);
            }
        },
        Command::Summaries { office, from, to, csv } => {
            let filter = summaries::filter(office.as_deref(), from.as_deref(), to.as_deref())?;
            let list = summaries::list(&central, &filter)?;
            print!("{}", if csv { summaries::csv(&list)? } else { summaries::render(&list) });
        }
        Command::Status { office } => {
            let office = office.map(|o| loket_central::office_code(&o)).transpose()?;
            print!("{}", status::render(&status::summary(&central)?, office.as_deref()));
        }
    }
    Ok(())
}

fn serve(central: Central, listen: &str, options: loket_central::http::Options) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| anyhow::anyhow!("{listen}: {e}"))?;
        let addr = listener.local_addr()?;
        // The first line on stdout, so a script or a test can start us on port 0 and read the port.
        println!("listening on http://{addr}");
        std::io::stdout().flush()?;
        tracing::info!(%addr, storage = %central.store.describe(), reports = options.reports_token.is_some(), "loket-central serving");
        loket_central::http::serve_with(central, listener, options, shutdown_signal()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
