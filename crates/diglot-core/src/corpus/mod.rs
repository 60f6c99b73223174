//! The article model, the pure parser (text -> [`Article`] + diagnostics) and the loader.

pub mod catalog;
pub mod index;
pub mod load;
pub mod model;
pub mod parse;
mod scan;
pub mod seeds;

pub use catalog::{ArticleRef, Catalog};
pub use load::{load_paths, load_stream, read_source, LoadEvent, LoadSummary, Loaded, Outcome};
pub use model::{Article, ArticleMeta, Date, Diagnostic, GlossEntry, Severity};
pub use parse::{looks_like_article, parse, parse_bytes, parse_head, parse_vec, Head, Parsed, ParsedHead};

/// Why [`read_article`] could not give an article.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file was read but is not an article (not, or no longer: it may have changed since
    /// the collection was loaded).
    #[error("{} is no longer an article: {why}", path.display())]
    NotArticle {
        /// The file.
        path: std::path::PathBuf,
        /// Why not, from the parser.
        why: String,
    },
}

/// Reads, parses and aligns one article (the reader opening it, `diglot show`, `diglot
/// align`): the article and its paragraph pairs ([`crate::align::align_article`]).
pub fn read_article(path: &std::path::Path) -> Result<(Article, Vec<crate::align::Bead>), ReadError> {
    let bytes = read_source(path).map_err(|source| ReadError::Io { path: path.to_path_buf(), source })?;
    match parse_bytes(path, &bytes) {
        Parsed::Article(a) => {
            let beads = crate::align::align_article(&a);
            Ok((*a, beads))
        }
        Parsed::NotArticle(why) => {
            Err(ReadError::NotArticle { path: path.to_path_buf(), why: why.to_string() })
        }
    }
}
