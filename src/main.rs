//! The `diglot` binary: parse arguments, run a subcommand or the terminal reader.

use clap::Parser;
use diglot::cli::{Cli, Command};
use diglot::commands::{self, CmdError};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc (without transparent huge pages, which doubled the peak RSS of a small collection):
/// loading a collection makes a dozen small allocations per article on two threads,
/// where it is several times cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit status after writing something whole to stdout: 0, also for a closed pipe
/// (`| head`); 2 with a message when it could not be written (a full disk, `/dev/full`).
fn written(what: &str, result: io::Result<()>) -> ExitCode {
    match result.and_then(|()| io::stdout().flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("diglot: cannot write {what}: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let what = if e.kind() == ErrorKind::DisplayHelp { "the help" } else { "the version" };
                    written(what, e.print())
                }
                // usage errors go to stderr with status 2
                _ => e.exit(),
            };
        }
    };
    if cli.print_default_config {
        let text = diglot::config::default_config_text();
        return written("the default configuration", io::stdout().lock().write_all(text.as_bytes()));
    }
    if let Some(Err(e)) = cli.command.as_ref().map(|c| commands::require_paths(&c.paths())) {
        eprintln!("diglot: {e}");
        return ExitCode::from(2);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        None => {
            drop(out);
            let cfg = match diglot::config::Config::load(cli.config.as_deref()) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("diglot: {e}");
                    return ExitCode::from(2);
                }
            };
            let from_config = cli.paths.is_empty() && !cfg.paths.is_empty();
            let paths = if cli.paths.is_empty() { cfg.paths.clone() } else { cli.paths };
            if let Err(e) = commands::require_paths(&paths) {
                let whence = if from_config { " (the config's `paths`)" } else { "" };
                eprintln!("diglot: {e}{whence}");
                return ExitCode::from(2);
            }
            return match diglot::tui::run(paths, cfg) {
                Ok(diglot::tui::Exit::Quit) => ExitCode::SUCCESS,
                Ok(diglot::tui::Exit::Signal(sig)) => diglot::tui::exit_for_signal(sig),
                Err(e) => {
                    eprintln!("diglot: {e}");
                    ExitCode::from(2)
                }
            };
        }
        Some(Command::Check { paths, translation: true, .. }) => {
            commands::check_translation(&paths, &mut out)
                .map(|errors| if errors { commands::EXIT_ERRORS } else { 0 })
        }
        Some(Command::Check { paths, verbose, translation: false }) => {
            commands::check(&paths, verbose, &mut out)
                .map(|errors| if errors { commands::EXIT_ERRORS } else { 0 })
        }
        Some(Command::List { paths, json }) => commands::list(&paths, json, &mut out).map(|()| 0),
        Some(Command::Show { article, paths, lang, width, format }) => {
            commands::show(&article, &paths, lang, width, format, &mut out).map(|()| 0)
        }
        Some(Command::Define { args, article: Some(article), beyond, json }) => {
            let paths: Vec<std::path::PathBuf> = args.into_iter().map(Into::into).collect();
            diglot::define_cmd::define_article(&article, &paths, beyond, json, &mut out)
        }
        Some(Command::Define { args, article: None, json, .. }) => {
            diglot::define_cmd::define(&args, json, &mut out)
        }
        Some(Command::Words { anki }) => diglot::define_cmd::words_cmd(anki, &mut out),
        Some(Command::Completions { shell }) => {
            diglot::cli::completions(shell, &mut out).map(|()| 0).map_err(CmdError::Io)
        }
        Some(Command::Man) => diglot::cli::man(&mut out).map(|()| 0).map_err(CmdError::Io),
        Some(Command::Search {
            query,
            paths,
            limit,
            json,
            full_text,
            index_query,
            relevance,
            counts,
            ..
        }) if full_text || index_query.is_some() => {
            // --full-text QUERY PATH...; --query QUERY PATH... (every positional a path)
            let (q, paths) = match index_query {
                Some(q) => (q, query.map(PathBuf::from).into_iter().chain(paths).collect()),
                None => (query.unwrap_or_default(), paths),
            };
            let o = diglot::search_cmd::SearchArgs {
                query: q,
                paths,
                limit,
                json,
                relevance,
                counts,
                scan: false,
            };
            diglot::fts_cmd::search(&o, &mut out).map(|()| 0)
        }
        Some(Command::Search { query, paths, limit, json, scan, .. }) => {
            let query = query.unwrap_or_default();
            let args =
                diglot::search_cmd::SearchArgs { query, paths, limit, json, scan, ..Default::default() };
            diglot::search_cmd::search(&args, &mut out).map(|()| 0)
        }
        Some(Command::Index { paths }) => diglot::fts_cmd::index(&paths, &mut out).map(|()| 0),
        Some(Command::Kwic { query, paths, width, sort, limit, json }) => {
            let o = diglot::fts_cmd::KwicOpts { query, paths, width, sort, limit, json };
            diglot::fts_cmd::kwic(&o, &mut out).map(|()| 0)
        }
        Some(Command::Freq { terms, paths, by, per, csv }) => {
            diglot::fts_cmd::freq(&terms, &paths, by, per, csv, &mut out).map(|()| 0)
        }
        Some(Command::Align { article, paths, json, sentences }) => {
            commands::align(&article, &paths, json, sentences, &mut out).map(|()| 0)
        }
    };
    let flushed = out.flush();
    match (result, flushed) {
        (Err(CmdError::Io(e)), _) | (Ok(_), Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        (Ok(code), Ok(())) => ExitCode::from(code as u8),
        (Ok(_), Err(e)) | (Err(CmdError::Io(e)), _) => {
            eprintln!("diglot: cannot write the output: {e}");
            ExitCode::from(2)
        }
        (Err(e), _) => {
            eprintln!("diglot: {e}");
            ExitCode::from(2)
        }
    }
}
