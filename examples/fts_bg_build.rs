//! The reader's background build of the full-text index alone (`fts::Budget::BACKGROUND`),
//! with the system allocator, for a heap profiler (heaptrack): what the build itself holds.
//! usage: fts_bg_build DIR CACHE_DIR
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(cache)) = (args.next(), args.next()) else {
        return Err("usage: fts_bg_build DIR CACHE_DIR".into());
    };
    let roots = vec![std::path::PathBuf::from(dir)];
    let t = std::time::Instant::now();
    let (ix, r) = diglot::fts::FtsIndex::open_updated_with(
        &roots,
        Some(std::path::Path::new(&cache)),
        diglot::fts::Budget::BACKGROUND,
        &|_, _| {},
        &|| false,
    )?;
    println!("{} indexed in {:.1} s; {} segments", r.indexed, t.elapsed().as_secs_f64(), ix.segment_count());
    Ok(())
}
