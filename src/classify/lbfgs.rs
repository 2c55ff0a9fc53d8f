//! L-BFGS (Nocedal & Wright, algorithm 7.4/7.5) with a backtracking Armijo line search: enough
//! for smooth convex objectives such as regularised logistic regression.

use std::collections::VecDeque;

use crate::error::Result;
use rayon::prelude::*;

use crate::kernels::dot_f64;
use crate::progress::Cancel;

/// L-BFGS's iteration cap, tolerance and memory.
#[derive(Debug, Clone, Copy)]
pub struct LbfgsSettings {
    pub max_iter: usize,
    /// Stop when the largest gradient component is below this.
    pub tol: f64,
    pub memory: usize,
}

/// How a minimisation ended: iterations used, whether the tolerance was reached, the final value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub iterations: usize,
    pub converged: bool,
    pub value: f64,
}

fn max_abs(v: &[f64]) -> f64 {
    v.par_chunks(CHUNK)
        .map(|c| c.iter().fold(0.0, |m: f64, x| m.max(x.abs())))
        .reduce(|| 0.0, f64::max)
}

/// One correction pair, stored in single precision: the pairs are most of the solver's memory
/// (2 × `memory` vectors of the problem's size against 5 in double precision), and they only
/// shape the search direction, which the line search then checks on the true objective.
struct Pair {
    s: Vec<f32>,
    y: Vec<f32>,
    rho: f64,
}

/// Values per parallel task in the vector operations: a bigram model has millions of
/// parameters, and the two-loop recursion (4 × `memory` passes over them per iteration) costs
/// more than the objective on sparse rows.
const CHUNK: usize = 1 << 15;

/// Sums `f` over chunks of `0..n` in parallel, adding the chunks' sums in order (the same
/// value whatever the threads did).
fn par_sum(n: usize, f: impl Fn(std::ops::Range<usize>) -> f64 + Sync) -> f64 {
    let parts: Vec<f64> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| f(c * CHUNK..((c + 1) * CHUNK).min(n)))
        .collect();
    parts.iter().sum()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    par_sum(a.len(), |r| dot_f64(&a[r.clone()], &b[r]))
}

fn dot_mixed(a: &[f32], b: &[f64]) -> f64 {
    par_sum(a.len(), |r| {
        a[r.clone()]
            .iter()
            .zip(&b[r])
            .map(|(x, y)| *x as f64 * y)
            .sum()
    })
}

fn dot_single(a: &[f32], b: &[f32]) -> f64 {
    par_sum(a.len(), |r| {
        a[r.clone()]
            .iter()
            .zip(&b[r])
            .map(|(x, y)| *x as f64 * *y as f64)
            .sum()
    })
}

/// `out[i] = f(i, out[i])` over chunks in parallel.
fn par_update(out: &mut [f64], f: impl Fn(usize, &mut f64) + Sync) {
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let base = c * CHUNK;
            chunk
                .iter_mut()
                .enumerate()
                .for_each(|(i, v)| f(base + i, v));
        });
}

// Over 80 lines: the L-BFGS iteration with its line search, kept whole as in Nocedal & Wright so it
// can be read against the book.
/// Minimises `f` from `x` (updated in place). `f(x, grad)` returns the value and writes the
/// gradient.
pub fn minimize(
    x: &mut [f64],
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    settings: LbfgsSettings,
    cancel: &Cancel,
) -> Result<Outcome> {
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut value = f(x, &mut g);
    let mut history: VecDeque<Pair> = VecDeque::new();
    let mut direction = vec![0.0; n];
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    for iter in 0..settings.max_iter {
        cancel.check()?;
        if max_abs(&g) <= settings.tol {
            return Ok(Outcome {
                iterations: iter,
                converged: true,
                value,
            });
        }
        // Two-loop recursion: direction = -H g.
        direction.copy_from_slice(&g);
        let mut alphas = Vec::with_capacity(history.len());
        for p in history.iter().rev() {
            let a = p.rho * dot_mixed(&p.s, &direction);
            par_update(&mut direction, |i, d| *d -= a * p.y[i] as f64);
            alphas.push(a);
        }
        if let Some(p) = history.back() {
            let gamma = dot_single(&p.s, &p.y) / dot_single(&p.y, &p.y);
            par_update(&mut direction, |_, d| *d *= gamma);
        }
        for (p, a) in history.iter().zip(alphas.iter().rev()) {
            let b = p.rho * dot_mixed(&p.y, &direction);
            par_update(&mut direction, |i, d| *d += (a - b) * p.s[i] as f64);
        }
        direction.iter_mut().for_each(|d| *d = -*d);
        let mut slope = dot(&g, &direction);
        if slope >= 0.0 {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            history.clear();
            direction.iter_mut().zip(&g).for_each(|(d, gi)| *d = -gi);
            slope = -dot(&g, &g);
        }
        let mut step = if history.is_empty() {
            (1.0 / max_abs(&g)).min(1.0)
        } else {
            1.0
        };
        let mut accepted = false;
        for _ in 0..40 {
            par_update(&mut x_new, |i, xn| *xn = x[i] + step * direction[i]);
            let v = f(&x_new, &mut g_new);
            if v.is_finite() && v <= value + 1e-4 * step * slope {
                accepted = true;
                // The oldest pair's buffers are reused once memory is full: on a bigram model
                // each is millions of values, allocated every iteration otherwise.
                let (mut s, mut y) = if history.len() == settings.memory {
                    history
                        .pop_front()
                        .map_or_else(|| (vec![0.0; n], vec![0.0; n]), |p| (p.s, p.y))
                } else {
                    (vec![0.0; n], vec![0.0; n])
                };
                s.iter_mut()
                    .zip(x_new.iter().zip(x.iter()))
                    .for_each(|(si, (a, b))| *si = (a - b) as f32);
                y.iter_mut()
                    .zip(g_new.iter().zip(&g))
                    .for_each(|(yi, (a, b))| *yi = (a - b) as f32);
                // Of the stored pair, so the curvature and the vectors agree.
                let sy = dot_single(&s, &y);
                if sy > 1e-12 {
                    history.push_back(Pair {
                        s,
                        y,
                        rho: 1.0 / sy,
                    });
                }
                let decrease = value - v;
                x.copy_from_slice(&x_new);
                g.copy_from_slice(&g_new);
                value = v;
                if decrease.abs() <= 1e-14 * value.abs().max(1.0) {
                    return Ok(Outcome {
                        iterations: iter + 1,
                        converged: max_abs(&g) <= settings.tol * 10.0,
                        value,
                    });
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            return Ok(Outcome {
                iterations: iter + 1,
                converged: max_abs(&g) <= settings.tol * 10.0,
                value,
            });
        }
    }
    Ok(Outcome {
        iterations: settings.max_iter,
        converged: max_abs(&g) <= settings.tol,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_the_rosenbrock_function() {
        let mut x = vec![-1.2, 1.0];
        let out = minimize(
            &mut x,
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            LbfgsSettings {
                max_iter: 500,
                tol: 1e-8,
                memory: 10,
            },
            &Cancel::new(),
        )
        .unwrap();
        assert!(out.converged, "{out:?}");
        assert!(
            (x[0] - 1.0).abs() < 1e-5 && (x[1] - 1.0).abs() < 1e-5,
            "{x:?}"
        );
    }
}
