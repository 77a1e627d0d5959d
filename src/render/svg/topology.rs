//! Simplifying boundaries so that neighbours still meet: each ring is cut into arcs at its
//! junctions (the points where the set of regions on either side changes), every arc is
//! simplified (Douglas–Peucker) in one canonical direction, so a border two regions share is
//! simplified once, identically for both, and the rings are put back together from their arcs.
//!
//! Shared borders must share their vertices (as in 国土数値情報 and japanmap's data); a border
//! drawn with different vertices on its two sides is simplified on each side on its own.

use std::collections::{HashMap, HashSet};

/// A vertex: its identity in the source (longitude and latitude in 1e-7 degrees) and where it is
/// drawn (px).
#[derive(Debug, Clone, Copy)]
pub struct Vertex {
    pub key: (i64, i64),
    pub x: f64,
    pub y: f64,
}

/// Simplifies every ring (closed, the first vertex not repeated last) with `tolerance` px.
/// Rings keep their order; a ring may come back with fewer than 3 vertices (the caller drops it).
pub fn simplify(rings: &[Vec<Vertex>], tolerance: f64) -> Vec<Vec<Vertex>> {
    let junctions = junctions(rings);
    rings
        .iter()
        .map(|ring| simplify_ring(ring, &junctions, tolerance))
        .collect()
}

/// Vertices met with different neighbours in different places: where a shared border begins
/// or ends.
fn junctions(rings: &[Vec<Vertex>]) -> HashSet<(i64, i64)> {
    type Key = (i64, i64);
    let mut seen: HashMap<Key, (Key, Key)> = HashMap::new();
    let mut junctions = HashSet::new();
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let prev = ring[(i + n - 1) % n].key;
            let next = ring[(i + 1) % n].key;
            let pair = if prev <= next {
                (prev, next)
            } else {
                (next, prev)
            };
            match seen.entry(ring[i].key) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(pair);
                }
                std::collections::hash_map::Entry::Occupied(e) => {
                    if *e.get() != pair {
                        junctions.insert(ring[i].key);
                    }
                }
            }
        }
    }
    junctions
}

fn simplify_ring(ring: &[Vertex], junctions: &HashSet<(i64, i64)>, tolerance: f64) -> Vec<Vertex> {
    let n = ring.len();
    if n < 3 {
        return ring.to_vec();
    }
    // Start at a junction, or (a ring no one shares, or shares whole) at its least vertex.
    let start = (0..n)
        .find(|&i| junctions.contains(&ring[i].key))
        .unwrap_or_else(|| (0..n).min_by_key(|&i| ring[i].key).unwrap_or(0));
    let rotated: Vec<Vertex> = ring[start..]
        .iter()
        .chain(&ring[..start])
        .copied()
        .collect();
    let mut out: Vec<Vertex> = Vec::with_capacity(n);
    let mut from = 0;
    for i in 1..=n {
        let end = i == n;
        if end || junctions.contains(&rotated[i].key) {
            // The arc rotated[from..=i] (the ring's start closes the last one).
            let mut arc: Vec<Vertex> = rotated[from..i].to_vec();
            arc.push(rotated[i % n]);
            let simplified = simplify_arc(&arc, tolerance);
            out.extend_from_slice(&simplified[..simplified.len() - 1]);
            from = i;
        }
    }
    out
}

/// An open polyline, simplified in its canonical direction (the same for both sides of a
/// border), endpoints kept.
fn simplify_arc(arc: &[Vertex], tolerance: f64) -> Vec<Vertex> {
    let n = arc.len();
    if n <= 2 {
        return arc.to_vec();
    }
    let forward: Vec<(i64, i64)> = arc.iter().map(|v| v.key).collect();
    let reversed = forward.iter().rev().copied().collect::<Vec<_>>();
    let flip = reversed < forward;
    let mut points: Vec<Vertex> = arc.to_vec();
    if flip {
        points.reverse();
    }
    let keep = douglas_peucker(&points, tolerance);
    let mut out: Vec<Vertex> = points
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| p)
        .collect();
    if flip {
        out.reverse();
    }
    out
}

/// Which points to keep (iterative: no recursion depth to overflow on a huge ring).
fn douglas_peucker(points: &[Vertex], tolerance: f64) -> Vec<bool> {
    let n = points.len();
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0, n - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut far, mut far_d) = (a, -1.0);
        for (i, p) in points.iter().enumerate().take(b).skip(a + 1) {
            let d = distance(p, &points[a], &points[b]);
            if d > far_d {
                far = i;
                far_d = d;
            }
        }
        if far_d > tolerance {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    keep
}

/// Distance from `p` to the segment `a`–`b` (to `a` when the segment is a point).
fn distance(p: &Vertex, a: &Vertex, b: &Vertex) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return ((p.x - a.x).powi(2) + (p.y - a.y).powi(2)).sqrt();
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    ((p.x - a.x - t * dx).powi(2) + (p.y - a.y - t * dy).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: i64, y: i64) -> Vertex {
        Vertex {
            key: (x, y),
            x: x as f64,
            y: y as f64,
        }
    }

    /// Two squares sharing a wiggly border (drawn in opposite directions): after simplification
    /// both rings hold the very same vertices along it.
    #[test]
    fn a_shared_border_is_simplified_alike_on_both_sides() {
        let border = [v(10, 0), v(10, 3), v(11, 5), v(10, 7), v(10, 10)];
        let mut left = vec![v(0, 0)];
        left.extend_from_slice(&border);
        left.push(v(0, 10));
        let mut right: Vec<Vertex> = border.iter().rev().copied().collect();
        right.extend_from_slice(&[v(20, 10), v(20, 0)]);
        let out = simplify(&[left, right], 2.0);
        let on_border = |ring: &Vec<Vertex>| {
            let mut keys: Vec<(i64, i64)> = ring
                .iter()
                .map(|p| p.key)
                .filter(|k| k.0 == 10 || k.0 == 11)
                .collect();
            keys.sort();
            keys
        };
        assert_eq!(on_border(&out[0]), on_border(&out[1]));
        // the 1-px wiggle went, the corners stayed
        assert!(!on_border(&out[0]).contains(&(11, 5)));
        assert!(on_border(&out[0]).contains(&(10, 0)) && on_border(&out[0]).contains(&(10, 10)));
    }
}
