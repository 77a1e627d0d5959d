//! The GitHub Actions workflow a report project publishes itself with (written by
//! `surveysite new`). It installs surveysite, checks the report, builds it with the Pages URL as
//! the base URL and deploys it with the official Pages actions.

/// `.github/workflows/pages.yml` for a report project. `install` is the shell command that
/// installs the `surveysite` binary on the runner.
pub fn pages_workflow(install: &str) -> String {
    format!(
        r#"# Publishes this report on GitHub Pages on every push to main.
# One-time setup: Settings → Pages → Build and deployment → Source: "GitHub Actions".
name: Publish report

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: pages
        uses: actions/configure-pages@v5
      - uses: dtolnay/rust-toolchain@stable
      - uses: actions/cache@v4
        with:
          path: |
            ~/.cargo/bin
            ~/.cargo/registry
            .surveysite-cache
          # A new key every run (caches are immutable per key), restored from the latest.
          key: ${{{{ runner.os }}}}-surveysite-${{{{ github.run_id }}}}
          restore-keys: ${{{{ runner.os }}}}-surveysite-
      - name: Install surveysite
        # cargo install skips the build when the installed binary is from the same commit.
        run: |
          {install}
      - name: Check the report
        run: surveysite check --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - name: Build the site
        run: surveysite build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#
    )
}

/// How the workflow installs surveysite unless told otherwise: from the git repository named by
/// the repository variable SURVEYSITE_GIT (Settings → Secrets and variables → Actions →
/// Variables), failing with that instruction when it is not set.
pub const DEFAULT_INSTALL: &str = r#"{ test -n "${{ vars.SURVEYSITE_GIT }}" || { echo "::error::Set the repository variable SURVEYSITE_GIT to the git URL of surveysite (Settings → Secrets and variables → Actions → Variables)"; exit 1; }; cargo install --locked --git "${{ vars.SURVEYSITE_GIT }}" surveysite; }"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_builds_with_the_pages_url_and_deploys() {
        let yaml = pages_workflow(DEFAULT_INSTALL);
        assert!(
            yaml.contains("surveysite build --base-url \"${{ steps.pages.outputs.base_url }}/\"")
        );
        assert!(yaml.contains("uses: actions/deploy-pages@v4"));
        assert!(yaml.contains("cargo install --locked --git"));
        // It is YAML a parser accepts.
        let parsed: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(parsed["jobs"]["deploy"]["needs"], "build");
    }
}
