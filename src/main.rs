use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

// Rendering allocates many small strings on every core; mimalloc does that
// markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = scaffold::cli::Cli::parse();
    let color = scaffold::output::use_color(cli.global.color, std::io::stderr().is_terminal());
    match scaffold::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(err) => {
            // Diagnostics already carry their own `error:` prefixes.
            if let Some(diagnostics) = err.downcast_ref::<scaffold::diag::Diagnostics>() {
                eprintln!("{}", diagnostics.render(color));
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
