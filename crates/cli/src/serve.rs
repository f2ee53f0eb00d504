//! `drawdown serve`: the operations centre's dashboard and JSON API
//! (`drawdown-server`), over the shared store.

use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: crate::input::ScenarioArgs,
    /// Address to listen on. Anything but loopback needs an access token.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The store: a SQLite file (created on first use), `sqlite:PATH` or `postgres://…`.
    #[arg(long, default_value = "drawdown.db")]
    pub db: String,
    /// Access token every API call must carry (`Authorization: Bearer TOKEN`);
    /// default: the DRAWDOWN_TOKEN environment variable.
    #[arg(long)]
    pub token: Option<String>,
    /// A host name (or address) the server is reached under besides loopback
    /// and the bound address, e.g. a proxy's `ops.example.org`; repeatable.
    /// Requests naming any other host in `Host` are refused (421).
    #[arg(long = "allowed-host", value_name = "NAME", value_parser = drawdown_server::check_allowed_host)]
    pub allowed_hosts: Vec<String>,
}

pub fn run(args: Args) -> ExitCode {
    let token = args.token.clone().or_else(|| std::env::var("DRAWDOWN_TOKEN").ok());
    // Refuse an unsafe address before anything else is done.
    if let Err(e) = drawdown_server::check_bind(&args.bind, token.as_deref()) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let Ok((src, loaded)) = crate::input::load_for_run(&args.scenario) else {
        return ExitCode::from(1);
    };
    let config = drawdown_server::Config {
        bind: args.bind,
        db: args.db,
        token,
        scenario: Some((loaded.scenario.scenario.id.clone(), src.text.clone())),
        recorded_by: std::env::var("USER").unwrap_or_else(|_| "drawdown serve".into()),
        whatif_slots: std::thread::available_parallelism().map_or(2, |n| n.get()),
        allowed_hosts: args.allowed_hosts,
        limits: drawdown_server::Limits::default(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server's runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(drawdown_server::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
