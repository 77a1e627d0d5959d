//! The codebook's `map:` section → where each region is drawn: the features of a GeoJSON
//! boundary file (WGS84 longitude/latitude) under data/, or a tile layout (one square per region
//! at a row and column). See docs/maps.md.
//!
//! Every region of the survey (but the total, and those listed under `not_on_map`) must be on
//! the map: a region without a feature or tile is an error, as a mistyped id would otherwise
//! leave it silently blank. A feature that is no region of the survey is drawn as 「調査対象外」
//! and reported by `check` as a warning (a boundary file usually covers more than the survey).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::Result;
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use super::{codebook, did_you_mean, located, not_in_codebook, parse_yaml, quote_cell, read_text};
use crate::model::Survey;
use crate::render::svg::map::{self as draw, Shapes};

#[derive(Deserialize)]
struct CodebookFile {
    #[serde(default)]
    map: Option<Spanned<RawMap>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMap {
    #[serde(default)]
    boundaries: Option<Spanned<String>>,
    #[serde(default)]
    property: Option<Spanned<String>>,
    #[serde(default)]
    name_property: Option<String>,
    #[serde(default)]
    tiles: Option<Vec<RawTile>>,
    #[serde(default)]
    not_on_map: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTile {
    region: Spanned<String>,
    row: Spanned<u32>,
    column: Spanned<u32>,
}

/// The map of a project.
#[derive(Debug, Clone)]
pub struct Map {
    pub layout: Layout,
    /// Regions of the survey left off the map on purpose (`not_on_map`).
    pub not_on_map: Vec<String>,
    /// Features that are no region of the survey (for `check`).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Layout {
    /// Projected, simplified outlines, one per map key (a region id, or a feature outside the
    /// survey), in file order.
    Boundaries { file: String, shapes: Shapes },
    /// One square per region; rows and columns from 1.
    Tiles(Vec<Tile>),
}

#[derive(Debug, Clone)]
pub struct Tile {
    pub region: String,
    pub row: u32,
    pub column: u32,
}

/// One feature of a boundary file, as read: its key (the `property` value), a name for features
/// outside the survey, and its rings of [longitude, latitude].
#[derive(Debug, Clone)]
pub struct Feature {
    pub key: String,
    pub name: String,
    pub rings: Vec<Vec<[f64; 2]>>,
}

/// Rows and columns of a tile layout stop here (a larger grid is no map anyone reads).
pub const TILE_MAX: u32 = 200;

fn at<T>(s: &Spanned<T>, message: impl std::fmt::Display) -> anyhow::Error {
    located(
        codebook::FILE,
        s.referenced.line(),
        Some(s.referenced.column()),
        message,
    )
}

/// The codebook's map, if it has a `map:` section.
pub fn load(root: &Path, survey: &Survey) -> Result<Option<Map>> {
    let text = read_text(&root.join(codebook::FILE), codebook::FILE)?;
    // Most codebooks have no map: skip parsing the codebook a second time for them (a top-level
    // key starts its line; a quoted `"map":` too).
    if !text
        .lines()
        .any(|l| l.trim_start_matches(['"', '\'']).starts_with("map"))
    {
        return Ok(None);
    }
    let file: CodebookFile = parse_yaml(&text, codebook::FILE, 0)?;
    let Some(raw) = file.map else {
        return Ok(None);
    };
    let ids = || survey.regions.iter().map(|r| r.id.as_str());
    let mut not_on_map = Vec::new();
    for id in &raw.value.not_on_map {
        if survey.region(&id.value).is_none() {
            return Err(at(id, not_in_codebook("region", &id.value, ids())));
        }
        not_on_map.push(id.value.clone());
    }
    // The regions that must be on the map.
    let wanted: Vec<&str> = survey
        .regions
        .iter()
        .filter(|r| !r.total && !not_on_map.contains(&r.id))
        .map(|r| r.id.as_str())
        .collect();
    let map = &raw.value;
    let layout = match (&map.boundaries, &map.tiles) {
        (Some(_), Some(_)) => {
            return Err(at(
                &raw,
                "`map:` gives both `boundaries` and `tiles`: give one (a boundary file, or a tile layout without one)",
            ));
        }
        (None, None) => {
            return Err(at(
                &raw,
                "`map:` needs `boundaries: data/FILE.geojson` (with `property:`) or `tiles:` (a row and column per region)",
            ));
        }
        (None, Some(tiles)) => Layout::Tiles(tiles_layout(tiles, survey, &wanted)?),
        (Some(file), None) => {
            let Some(property) = &map.property else {
                return Err(at(
                    file,
                    "`boundaries:` needs `property:` beside it: the feature property that holds each region's id",
                ));
            };
            let (features, bytes) =
                read_features(root, file, &property.value, map.name_property.as_deref())?;
            let keys: HashSet<&str> = features.iter().map(|f| f.key.as_str()).collect();
            for id in &wanted {
                if !keys.contains(id) {
                    let title = survey.region(id).map_or("", |r| r.title.as_str());
                    return Err(at(
                        file,
                        format!(
                            "region \"{id}\" ({title}) has no feature in {} whose property \"{}\" is \"{id}\"{} (list it under `map: not_on_map:` to leave it off the map)",
                            file.value,
                            property.value,
                            did_you_mean(id, keys.iter().copied())
                        ),
                    ));
                }
            }
            let shapes = draw::shapes_cached(root, &bytes, &features);
            let mut warnings = Vec::new();
            let mut seen = HashSet::new();
            for (i, f) in features.iter().enumerate() {
                if survey.region(&f.key).is_none() && seen.insert(f.key.as_str()) {
                    warnings.push(format!(
                        "{}: feature {i} ({} \"{}\") is no region of the survey: drawn as 調査対象外{}",
                        file.value,
                        property.value,
                        f.key,
                        did_you_mean(&f.key, ids())
                    ));
                }
            }
            return Ok(Some(Map {
                layout: Layout::Boundaries {
                    file: file.value.clone(),
                    shapes,
                },
                not_on_map,
                warnings,
            }));
        }
    };
    Ok(Some(Map {
        layout,
        not_on_map,
        warnings: Vec::new(),
    }))
}

fn tiles_layout(tiles: &[RawTile], survey: &Survey, wanted: &[&str]) -> Result<Vec<Tile>> {
    let mut out = Vec::new();
    let mut cells: BTreeMap<(u32, u32), &str> = BTreeMap::new();
    let mut regions = HashSet::new();
    for t in tiles {
        if survey.region(&t.region.value).is_none() {
            return Err(at(
                &t.region,
                not_in_codebook(
                    "region",
                    &t.region.value,
                    survey.regions.iter().map(|r| r.id.as_str()),
                ),
            ));
        }
        if !regions.insert(t.region.value.as_str()) {
            return Err(at(
                &t.region,
                format!(
                    "region \"{}\" has a second tile: give it one",
                    t.region.value
                ),
            ));
        }
        for (n, what) in [(&t.row, "row"), (&t.column, "column")] {
            if n.value == 0 || n.value > TILE_MAX {
                return Err(at(
                    n,
                    format!(
                        "{what} {} is out of range: rows and columns count from 1 to {TILE_MAX}",
                        n.value
                    ),
                ));
            }
        }
        if let Some(other) = cells.insert((t.row.value, t.column.value), &t.region.value) {
            return Err(at(
                &t.row,
                format!(
                    "region \"{}\" is at row {}, column {}, where region \"{other}\" already is",
                    t.region.value, t.row.value, t.column.value
                ),
            ));
        }
        out.push(Tile {
            region: t.region.value.clone(),
            row: t.row.value,
            column: t.column.value,
        });
    }
    for id in wanted {
        if !regions.contains(id) {
            anyhow::bail!(
                "{}: region \"{id}\" has no tile under `map: tiles:` (give it a row and column, or list it under `map: not_on_map:`)",
                codebook::FILE
            );
        }
    }
    Ok(out)
}

/// Reads the boundary file: its features with their keys, and the file's bytes (the cache key).
fn read_features(
    root: &Path,
    file: &Spanned<String>,
    property: &str,
    name_property: Option<&str>,
) -> Result<(Vec<Feature>, Vec<u8>)> {
    let name = &file.value;
    let rel = Path::new(name);
    let inside = rel.is_relative()
        && rel.starts_with("data")
        && rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !inside {
        return Err(at(
            file,
            format!(
                "boundary file {} must be a path under data/ (e.g. data/regions.geojson)",
                quote_cell(name)
            ),
        ));
    }
    let path = root.join(rel);
    if !path.is_file() {
        return Err(at(
            file,
            format!("boundary file {} does not exist", quote_cell(name)),
        ));
    }
    let text = read_text(&path, name)?;
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        located(
            name,
            e.line() as u64,
            Some(e.column() as u64),
            format!("not valid GeoJSON (JSON): {e}"),
        )
    })?;
    let features = parse_features(&json, name, property, name_property)?;
    Ok((features, text.into_bytes()))
}

/// A GeoJSON FeatureCollection → its Polygon and MultiPolygon features.
pub fn parse_features(
    json: &Value,
    file: &str,
    property: &str,
    name_property: Option<&str>,
) -> Result<Vec<Feature>> {
    if json.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        anyhow::bail!(
            "{file}: expected a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\")"
        );
    }
    let Some(list) = json.get("features").and_then(Value::as_array) else {
        anyhow::bail!("{file}: the FeatureCollection has no \"features\" list");
    };
    let mut features = Vec::new();
    for (i, f) in list.iter().enumerate() {
        let props = f.get("properties");
        let key = match props.and_then(|p| p.get(property)) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                let known: Vec<&str> = props
                    .and_then(Value::as_object)
                    .map(|o| o.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                anyhow::bail!(
                    "{file}: feature {i} has no property \"{property}\" holding a region id (text or number){}",
                    if known.is_empty() {
                        String::new()
                    } else {
                        format!("; its properties: {}", known.join(", "))
                    }
                );
            }
        };
        let name = name_property
            .and_then(|n| props.and_then(|p| p.get(n)))
            .and_then(Value::as_str)
            .map_or_else(|| key.clone(), super::clean_text);
        let geometry = f.get("geometry").unwrap_or(&Value::Null);
        let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
        let coords = geometry.get("coordinates").unwrap_or(&Value::Null);
        let bad =
            |what: &str| anyhow::anyhow!("{file}: feature {i} ({property} \"{key}\"): {what}");
        let polygons: Vec<&Value> = match kind {
            "Polygon" => vec![coords],
            "MultiPolygon" => coords
                .as_array()
                .ok_or_else(|| bad("MultiPolygon coordinates must be a list of polygons"))?
                .iter()
                .collect(),
            other => {
                return Err(bad(&format!(
                    "geometry type {} is not drawn: expected Polygon or MultiPolygon",
                    quote_cell(other)
                )));
            }
        };
        let mut rings = Vec::new();
        for p in polygons {
            let p = p
                .as_array()
                .ok_or_else(|| bad("a polygon must be a list of rings"))?;
            for ring in p {
                let ring = ring
                    .as_array()
                    .ok_or_else(|| bad("a ring must be a list of positions"))?;
                let mut points = Vec::with_capacity(ring.len());
                for pos in ring {
                    let xy = pos.as_array().filter(|a| a.len() >= 2);
                    let (Some(lon), Some(lat)) = (
                        xy.and_then(|a| a[0].as_f64()),
                        xy.and_then(|a| a[1].as_f64()),
                    ) else {
                        return Err(bad("a position must be [longitude, latitude]"));
                    };
                    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                        return Err(bad(&format!(
                            "position [{lon}, {lat}] is not WGS84 longitude/latitude (reproject the file to EPSG:4326)"
                        )));
                    }
                    points.push([lon, lat]);
                }
                if points.len() < 4 {
                    return Err(bad(
                        "a ring needs at least 4 positions (the first repeated last)",
                    ));
                }
                rings.push(points);
            }
        }
        features.push(Feature { key, name, rings });
    }
    if features.is_empty() {
        anyhow::bail!("{file}: the FeatureCollection has no features");
    }
    Ok(features)
}
