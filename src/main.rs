use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = scaffold::cli::Cli::parse();
    match scaffold::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(err) => {
            // Diagnostics already carry their own `error:` prefixes.
            if err.downcast_ref::<scaffold::diag::Diagnostics>().is_some() {
                eprintln!("{err}");
            } else {
                eprintln!("error: {err}");
                for cause in err.chain().skip(1) {
                    eprintln!("  caused by: {cause}");
                }
            }
            ExitCode::from(2)
        }
    }
}
