//! Finds the ECharts bundle that the pinned `charming` crate ships, so the binary can embed it
//! (server-side chart rendering, and the optional interactive charts in site/assets/).

use std::env;
use std::path::PathBuf;
use std::process::Command;

const BUNDLE: &str = "src/asset/echarts-5.5.1.min.js";

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("Cargo.toml");
    let target = env::var("TARGET").unwrap();
    // --filter-platform: without it, metadata wants every platform's crates (fails offline).
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--offline",
            "--format-version",
            "1",
            "--filter-platform",
            &target,
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .expect("build.rs: running `cargo metadata`");
    if !out.status.success() {
        panic!(
            "build.rs: `cargo metadata` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("build.rs: cargo metadata output");
    let charming = meta["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "charming"))
        .expect("build.rs: the `charming` package is not among the dependencies");
    let version = charming["version"].as_str().unwrap_or("?");
    let dir = PathBuf::from(charming["manifest_path"].as_str().unwrap())
        .parent()
        .unwrap()
        .to_path_buf();
    let js = dir.join(BUNDLE);
    if !js.is_file() {
        panic!(
            "build.rs: charming {version} does not ship {BUNDLE} (looked at {}). \
             surveysite pins charming =0.6.0 for this file; if you upgraded charming, update BUNDLE \
             and ECHARTS_VERSION in src/render/echarts.rs.",
            js.display()
        );
    }
    println!("cargo:rustc-env=ECHARTS_JS={}", js.display());
}
