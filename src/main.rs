//! The `attend` binary: parse the command line, call the library, present the result.
//!
//! Exit codes (README, "Exit codes"): 0 success, 1 failure (the error on stderr), 2 a usage error
//! (clap's own: an unknown option, a missing argument, a malformed value; nothing is run).

mod cli;
mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // a usage error exits here with status 2 (help and version with 0), as clap does
    let cli = cli::Cli::parse();
    let ctx = commands::Ctx::new(&cli, commands::Env::read());
    match commands::run(&ctx, cli.command) {
        Ok(code) => code,
        // the reader of the output went away (`attend flag | head`): that is not a failure
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    || c.to_string().contains("Broken pipe")
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // anyhow's chain, most general first: "what failed: why"
            let mut msg = format!("{e}");
            for cause in e.chain().skip(1) {
                let c = cause.to_string();
                if !msg.contains(&c) {
                    msg.push_str(&format!("\n  because: {c}"));
                }
            }
            eprintln!("error: {}", commands::output::clean(&msg));
            ExitCode::FAILURE
        }
    }
}
