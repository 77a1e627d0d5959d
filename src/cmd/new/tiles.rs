//! The tile map `surveysite new` starts a project with: one square per region (not the total) in
//! a simple grid in codebook order, as close to square as it goes, for the user to move into
//! their regions' real places (docs/maps.md). Appended to the codebook as its `map:` section.

use serde::Deserialize;

#[derive(Deserialize)]
struct Codebook {
    #[serde(default)]
    regions: Vec<Region>,
}

#[derive(Deserialize)]
struct Region {
    id: String,
    #[serde(default)]
    total: bool,
}

/// `codebook` with a `map: tiles:` section at its end (unchanged if it cannot be read, has no
/// region to place, or already has a map).
pub fn with_layout(codebook: &str) -> String {
    let Ok(parsed) = serde_saphyr::from_str::<Codebook>(codebook) else {
        return codebook.to_string();
    };
    let ids: Vec<&str> = parsed
        .regions
        .iter()
        .filter(|r| !r.total)
        .map(|r| r.id.as_str())
        .collect();
    if ids.is_empty() || codebook.lines().any(|l| l.starts_with("map:")) {
        return codebook.to_string();
    }
    let columns = (1..=ids.len()).find(|c| c * c >= ids.len()).unwrap_or(1);
    let mut out = codebook.trim_end().to_string();
    out.push_str(concat!(
        "\n\n# The map of the regions: a square per region at a row and column (from 1).\n",
        "# Move them to where the regions lie, or name a boundary file instead (see the maps\n",
        "# guide of surveysite). A question with a `key_option` shows the map of its share.\n",
        "map:\n  tiles:\n",
    ));
    for (i, id) in ids.iter().enumerate() {
        out.push_str(&format!(
            "    - {{ region: {id}, row: {}, column: {} }}\n",
            i / columns + 1,
            i % columns + 1
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_regions_make_a_two_by_two_grid_without_the_total() {
        let out = with_layout(
            "regions:\n  - { id: east, title: 東 }\n  - { id: west, title: 西 }\n  - { id: south, title: 南 }\n  - { id: all, title: 全体, total: true }\n",
        );
        assert!(out.ends_with(
            "map:\n  tiles:\n    - { region: east, row: 1, column: 1 }\n    - { region: west, row: 1, column: 2 }\n    - { region: south, row: 2, column: 1 }\n"
        ), "{out}");
        assert!(!out.contains("region: all"));
    }
}
