//! Embeds every file of `seeds/` into the binary, so `diglot` with no argument works anywhere.
#![allow(clippy::expect_used)] // a build script that cannot write its output fails the build: the right outcome
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets this")).join("../../seeds");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from(
        "/// The embedded seed articles: (file name, bytes).\npub static SEEDS: &[(&str, &[u8])] = &[\n",
    );
    for n in &names {
        println!("cargo:rerun-if-changed={}", dir.join(n).display());
        out.push_str(&format!("    ({n:?}, include_bytes!({:?})),\n", dir.join(n).display().to_string()));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets this")).join("seeds.rs");
    fs::write(dest, out).expect("write seeds.rs");
}
