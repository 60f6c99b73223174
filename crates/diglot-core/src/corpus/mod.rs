//! The article model, the pure parser (text -> [`Article`] + diagnostics) and the loader.

pub mod index;
pub mod load;
pub mod model;
pub mod parse;
pub mod seeds;

pub use load::{load_paths, load_stream, read_source, LoadEvent, LoadSummary, Loaded, Outcome};
pub use model::{Article, ArticleMeta, Date, Diagnostic, GlossEntry, Severity};
pub use parse::{looks_like_article, parse, parse_bytes, parse_vec, Parsed};
