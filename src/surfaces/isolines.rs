//! Isolines and filled super-level regions of a grid by marching squares (the `contour` crate).
//!
//! The `contour` crate (a port of d3-contour) treats value k of a row as the pixel [k, k+1], so with
//! linear smoothing a sample sits at cell coordinate k + ½. A grid whose samples are at
//! x_k = x₀ + k·dx is therefore mapped with origin x₀ − dx/2 and step dx; rings that close along
//! the border are clamped back into [x₀, x₀ + (n−1)·dx].

use contour::ContourBuilder;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A regular grid: samples at (x0 + i·dx, y0 + j·dy), values row-major with i fastest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridSpec {
    pub x0: f64,
    pub dx: f64,
    pub nx: usize,
    pub y0: f64,
    pub dy: f64,
    pub ny: usize,
}

impl GridSpec {
    fn x_max(&self) -> f64 {
        self.x0 + (self.nx.saturating_sub(1)) as f64 * self.dx
    }
    fn y_max(&self) -> f64 {
        self.y0 + (self.ny.saturating_sub(1)) as f64 * self.dy
    }
}

/// The polylines (or closed rings) of one level, in data coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Isoline {
    pub level: f64,
    pub lines: Vec<Vec<[f64; 2]>>,
}

/// Five contour levels −16d, −8d, −4d, −2d, −d of a surface stored relative to its maximum,
/// with d the largest of {1, 2, 2.5, 5}·10^k such that the lowest level −16d still lies inside the
/// window (16d ≤ |highest value on the grid's border|). A window of ±4.5 posterior sd gives the
/// familiar −8, −4, −2, −1, −0.5; a close-up gives proportionally finer levels.
pub fn nice_levels(border_max: f64) -> Vec<f64> {
    let span = border_max.abs();
    if !span.is_finite() || span <= 1e-300 {
        return vec![-8.0, -4.0, -2.0, -1.0, -0.5];
    }
    let target = span / 16.0;
    let mut k = target.log10().floor() as i32;
    let mut d = f64::NAN;
    'outer: for _ in 0..3 {
        for m in [5.0, 2.5, 2.0, 1.0] {
            let cand = m * 10f64.powi(k);
            if cand <= target * (1.0 + 1e-9) {
                d = cand;
                break 'outer;
            }
        }
        k -= 1;
    }
    if !d.is_finite() {
        d = target;
    }
    [-16.0, -8.0, -4.0, -2.0, -1.0].iter().map(|m| m * d).collect()
}

/// Highest value on the border of the grid (values row-major, `nx` per row).
pub fn border_max(values: &[f64], nx: usize, ny: usize) -> f64 {
    let mut best = f64::NEG_INFINITY;
    for j in 0..ny {
        for i in 0..nx {
            if i == 0 || j == 0 || i + 1 == nx || j + 1 == ny {
                if let Some(&v) = values.get(j * nx + i) {
                    best = best.max(v);
                }
            }
        }
    }
    best
}

fn builder(g: &GridSpec) -> ContourBuilder {
    ContourBuilder::new(g.nx, g.ny, true)
        .x_origin(g.x0 - 0.5 * g.dx)
        .y_origin(g.y0 - 0.5 * g.dy)
        .x_step(g.dx)
        .y_step(g.dy)
}

fn sanitize(values: &[f64]) -> Vec<f64> {
    let floor = values.iter().copied().filter(|v| v.is_finite()).fold(f64::INFINITY, f64::min);
    let floor = if floor.is_finite() { floor - 1.0 } else { -1.0 };
    values.iter().map(|&v| if v.is_finite() { v } else { floor }).collect()
}

fn check(values: &[f64], g: &GridSpec) -> Result<()> {
    if g.nx < 2 || g.ny < 2 || values.len() != g.nx * g.ny {
        return Err(Error::Drawing(format!(
            "a contour grid needs at least 2 × 2 values, got {} for {} × {}",
            values.len(),
            g.nx,
            g.ny
        )));
    }
    Ok(())
}

fn clamp_point(p: &contour::Pt, g: &GridSpec) -> [f64; 2] {
    [p.x.clamp(g.x0, g.x_max()), p.y.clamp(g.y0, g.y_max())]
}

/// Isolines of `values` at each level (open or closed polylines in data coordinates).
///
/// Each level is traced on the smallest sub-grid holding every sample ≥ level plus one sample of margin
/// (or the grid's own border): no cell outside it crosses the level, and the margin plays the part of
/// the border padding, so the lines are those of the whole grid — but the high levels of a hill cover a
/// small part of it (a quarter of the width for a level 16 times higher), and tracing costs its area.
pub fn isolines(values: &[f64], g: &GridSpec, levels: &[f64]) -> Result<Vec<Isoline>> {
    check(values, g)?;
    let sanitized;
    let vals = if values.iter().all(|v| v.is_finite()) {
        values
    } else {
        sanitized = sanitize(values);
        &sanitized
    };
    // Row and column maxima: the rows (columns) holding a sample ≥ level are those whose maximum is.
    let mut row_max = vec![f64::NEG_INFINITY; g.ny];
    let mut col_max = vec![f64::NEG_INFINITY; g.nx];
    for (j, row) in vals.chunks_exact(g.nx).enumerate() {
        for (i, &v) in row.iter().enumerate() {
            row_max[j] = row_max[j].max(v);
            col_max[i] = col_max[i].max(v);
        }
    }
    let span = |maxima: &[f64], level: f64| {
        let first = maxima.iter().position(|&m| m >= level)?;
        let last = maxima.iter().rposition(|&m| m >= level)?;
        Some((first, last))
    };
    levels
        .iter()
        .map(|&level| match (span(&col_max, level), span(&row_max, level)) {
            (Some((i0, i1)), Some((j0, j1))) => isoline_on_its_box(vals, g, level, (i0, i1, j0, j1)),
            _ => Ok(Isoline { level, lines: Vec::new() }),
        })
        .collect()
}

/// The isoline at `level` traced on the box (i0, i1, j0, j1) of the samples ≥ level, widened by the margin.
fn isoline_on_its_box(
    vals: &[f64],
    g: &GridSpec,
    level: f64,
    (i0, i1, j0, j1): (usize, usize, usize, usize),
) -> Result<Isoline> {
    // One sample of margin, and at least two samples per side (the builder's minimum).
    let (mut i0, mut i1) = (i0.saturating_sub(1), (i1 + 1).min(g.nx - 1));
    let (mut j0, mut j1) = (j0.saturating_sub(1), (j1 + 1).min(g.ny - 1));
    if i1 == i0 {
        if i1 + 1 < g.nx { i1 += 1 } else { i0 -= 1 }
    }
    if j1 == j0 {
        if j1 + 1 < g.ny { j1 += 1 } else { j0 -= 1 }
    }
    let sub_grid = GridSpec {
        x0: g.x0 + i0 as f64 * g.dx,
        nx: i1 - i0 + 1,
        y0: g.y0 + j0 as f64 * g.dy,
        ny: j1 - j0 + 1,
        ..*g
    };
    let sub: Vec<f64> = (j0..=j1).flat_map(|j| vals[j * g.nx + i0..=j * g.nx + i1].iter().copied()).collect();
    let traced = builder(&sub_grid)
        .lines(&sub, &[level])
        .map_err(|e| Error::Drawing(format!("contour lines could not be traced: {e:?}")))?;
    let lines = traced
        .iter()
        .flat_map(|line| line.geometry().0.iter())
        .map(|ls| ls.0.iter().map(|p| clamp_point(p, g)).collect::<Vec<_>>())
        .filter(|l: &Vec<[f64; 2]>| l.len() >= 2)
        .collect();
    Ok(Isoline { level, lines })
}

/// Outer rings of the super-level sets {v ≥ level}, for filling bands by painting the levels in
/// ascending order (for a concave surface the sets are nested and convex).
pub fn superlevel_regions(values: &[f64], g: &GridSpec, levels: &[f64]) -> Result<Vec<Isoline>> {
    check(values, g)?;
    let vals = sanitize(values);
    let contours = builder(g)
        .contours(&vals, levels)
        .map_err(|e| Error::Drawing(format!("contour regions could not be traced: {e:?}")))?;
    Ok(contours
        .into_iter()
        .map(|c| {
            let level = c.threshold();
            let lines = c
                .geometry()
                .0
                .iter()
                .map(|poly| poly.exterior().0.iter().map(|p| clamp_point(p, g)).collect::<Vec<_>>())
                .filter(|l: &Vec<[f64; 2]>| l.len() >= 3)
                .collect();
            Isoline { level, lines }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_round_and_inside_the_window() {
        assert_eq!(nice_levels(-10.1), vec![-8.0, -4.0, -2.0, -1.0, -0.5]);
        assert_eq!(nice_levels(-7.9), vec![-4.0, -2.0, -1.0, -0.5, -0.25]);
        let fine = nice_levels(-0.05);
        assert!(fine[0] >= -0.05 && fine[0] < -0.02, "{fine:?}");
        assert_eq!(nice_levels(f64::NAN).len(), 5);
    }

    #[test]
    fn circle_isoline_lands_where_the_function_crosses_the_level() {
        // v = −(x² + y²)/2 on [−3, 3]²; the level −2 is the circle of radius 2.
        let n = 61;
        let g = GridSpec { x0: -3.0, dx: 0.1, nx: n, y0: -3.0, dy: 0.1, ny: n };
        let mut v = Vec::with_capacity(n * n);
        for j in 0..n {
            for i in 0..n {
                let (x, y) = (g.x0 + i as f64 * g.dx, g.y0 + j as f64 * g.dy);
                v.push(-(x * x + y * y) / 2.0);
            }
        }
        let iso = isolines(&v, &g, &[-2.0]).unwrap();
        assert_eq!(iso.len(), 1);
        assert_eq!(iso[0].lines.len(), 1);
        for p in &iso[0].lines[0] {
            let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
            assert!((r - 2.0).abs() < 0.02, "r = {r}");
        }
        let reg = superlevel_regions(&v, &g, &[-2.0, -1.0]).unwrap();
        assert_eq!(reg.len(), 2);
        assert_eq!(reg[1].lines.len(), 1);
        // A level below everything on the grid fills the whole window, clamped to it.
        let all = superlevel_regions(&v, &g, &[-100.0]).unwrap();
        for p in &all[0].lines[0] {
            assert!(p[0] >= -3.0 && p[0] <= 3.0 && p[1] >= -3.0 && p[1] <= 3.0);
        }
        assert!(isolines(&v[..10], &g, &[-1.0]).is_err());
    }

    /// A ring as a set of points from its smallest one on (the start of a closed ring is arbitrary).
    fn canonical(ring: &[[f64; 2]]) -> Vec<[f64; 2]> {
        let open = if ring.len() > 1 && ring[0] == ring[ring.len() - 1] { &ring[..ring.len() - 1] } else { ring };
        let k = (0..open.len()).min_by(|&a, &b| open[a].partial_cmp(&open[b]).unwrap()).unwrap_or(0);
        open[k..].iter().chain(&open[..k]).copied().collect()
    }

    /// Tracing each level on its own box gives the lines of the whole grid: the same rings, point for point,
    /// on hills that are off-centre, clipped by the border, flat-topped, or a single sample high.
    #[test]
    fn boxed_tracing_equals_whole_grid_tracing() {
        let (nx, ny) = (47, 39);
        let g = GridSpec { x0: -2.0, dx: 0.1, nx, y0: 1.0, dy: 0.15, ny };
        let shapes: Vec<Box<dyn Fn(f64, f64) -> f64>> = vec![
            Box::new(|x, y| -((x - 0.3).powi(2) * 3.0 + (y - 3.0).powi(2))),
            Box::new(|x, y| -((x + 2.0).powi(2) + (y - 1.0).powi(2) * 0.5)), // maximum in a corner
            Box::new(|x, y| (-(x * x) - (y - 4.0).powi(4)).max(-1.0)),        // flat below −1
            Box::new(|x, y| if (x - 0.0).abs() < 0.05 && (y - 3.1).abs() < 0.07 { 1.0 } else { -1.0 }),
        ];
        for (s, f) in shapes.iter().enumerate() {
            let mut v = Vec::with_capacity(nx * ny);
            for j in 0..ny {
                for i in 0..nx {
                    v.push(f(g.x0 + i as f64 * g.dx, g.y0 + j as f64 * g.dy));
                }
            }
            let levels = [-30.0, -8.0, -2.0, -1.0, -0.5, 0.0, 0.5, 5.0];
            let boxed = isolines(&v, &g, &levels).unwrap();
            let whole = builder(&g).lines(&sanitize(&v), &levels).unwrap();
            for (b, w) in boxed.iter().zip(&whole) {
                let mut want: Vec<Vec<[f64; 2]>> = w
                    .geometry()
                    .0
                    .iter()
                    .map(|ls| ls.0.iter().map(|p| clamp_point(p, &g)).collect::<Vec<_>>())
                    .filter(|l| l.len() >= 2)
                    .map(|r| canonical(&r))
                    .collect();
                let mut got: Vec<Vec<[f64; 2]>> = b.lines.iter().map(|r| canonical(r)).collect();
                want.sort_by(|a, b| a.partial_cmp(b).unwrap());
                got.sort_by(|a, b| a.partial_cmp(b).unwrap());
                // The same points up to the rounding of a shifted origin (a few ulps).
                assert_eq!(got.len(), want.len(), "shape {s}, level {}", b.level);
                for (r, q) in got.iter().zip(&want) {
                    assert_eq!(r.len(), q.len(), "shape {s}, level {}", b.level);
                    let far = r.iter().zip(q).map(|(a, b)| (a[0] - b[0]).abs().max((a[1] - b[1]).abs())).fold(0.0, f64::max);
                    assert!(far < 1e-12, "shape {s}, level {}: {far:e}", b.level);
                }
            }
        }
    }
}
