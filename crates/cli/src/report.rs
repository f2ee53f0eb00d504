//! `drawdown report`: one self-contained HTML file with charts. (Being written.)

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scenario: crate::input::ScenarioArgs,
    /// Output HTML file.
    #[arg(long, value_name = "FILE", default_value = "report.html")]
    pub out: std::path::PathBuf,
}

pub fn run(_args: Args) -> ExitCode {
    eprintln!("error: report is not implemented yet");
    ExitCode::from(1)
}
