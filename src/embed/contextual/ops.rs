//! The few operations a BERT encoder needs, on row-major f32 buffers: matrix products
//! (`matrixmultiply`'s sgemm, which picks AVX2/FMA at run time), layer normalisation, GELU and
//! a row softmax. Products over many rows are split across rayon's threads by row blocks.

use rayon::prelude::*;

/// Rows per parallel block of layer normalisation.
const ROW_BLOCK: usize = 64;

/// Rows per parallel block of a product: one block per thread, since sgemm packs the whole
/// weight matrix once per call (with 64-row blocks packing took 17% of the time, perf).
fn product_block(rows: usize) -> usize {
    rows.div_ceil(rayon::current_num_threads()).max(ROW_BLOCK)
}

/// A dense layer: `out × inp` weights (row-major, as PyTorch's `Linear` stores them) and a bias.
pub struct Linear {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    pub inp: usize,
    pub out: usize,
}

impl Linear {
    /// `x` (rows × inp) times the weights' transpose, plus the bias: rows × out.
    pub fn forward(&self, x: &[f32], rows: usize) -> Vec<f32> {
        debug_assert_eq!(x.len(), rows * self.inp);
        let mut y = vec![0.0f32; rows * self.out];
        let block = product_block(rows);
        y.par_chunks_mut(block * self.out)
            .zip(x.par_chunks(block * self.inp))
            .for_each(|(y, x)| {
                let n = x.len() / self.inp;
                for row in y.chunks_exact_mut(self.out) {
                    row.copy_from_slice(&self.bias);
                }
                // y = x · Wᵀ + y: Wᵀ is W read with its strides swapped.
                let b = Strided::new(&self.weight, 1, self.inp as isize);
                gemm(n, self.inp, self.out, Strided::rows(x, self.inp), b, y, 1.0);
            });
        y
    }
}

/// A read-only matrix view: a slice with row and column strides.
#[derive(Clone, Copy)]
pub struct Strided<'a> {
    data: &'a [f32],
    row_stride: isize,
    col_stride: isize,
}

impl<'a> Strided<'a> {
    pub fn new(data: &'a [f32], row_stride: isize, col_stride: isize) -> Self {
        Self {
            data,
            row_stride,
            col_stride,
        }
    }
    /// Row-major rows of `width` values.
    pub fn rows(data: &'a [f32], width: usize) -> Self {
        Self::new(data, width as isize, 1)
    }
    /// The largest index an m × n read touches, for the bounds check.
    fn reach(&self, m: usize, n: usize) -> usize {
        if m == 0 || n == 0 {
            return 0;
        }
        (m - 1) * self.row_stride as usize + (n - 1) * self.col_stride as usize
    }
}

/// `c` (m × n, row-major, packed) = `a` (m × k) · `b` (k × n) + `beta` · `c`.
#[allow(unsafe_code)] // the one call into sgemm's raw-pointer interface, bounds checked first
pub fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: Strided<'_>,
    b: Strided<'_>,
    c: &mut [f32],
    beta: f32,
) {
    assert!(c.len() >= m * n, "gemm output too small");
    if m == 0 || n == 0 {
        return;
    }
    assert!(
        k == 0 || (a.reach(m, k) < a.data.len() && b.reach(k, n) < b.data.len()),
        "gemm operand too small"
    );
    // SAFETY: the asserts above keep every index sgemm reads within `a` and `b` and every
    // index it writes within `c`; the strides are non-negative.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.data.as_ptr(),
            a.row_stride,
            a.col_stride,
            b.data.as_ptr(),
            b.row_stride,
            b.col_stride,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// Layer normalisation of each row of `x` in place (PyTorch's `LayerNorm`: biased variance).
pub fn layer_norm(x: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let width = gamma.len();
    x.par_chunks_mut(width * ROW_BLOCK).for_each(|block| {
        for row in block.chunks_exact_mut(width) {
            let n = width as f32;
            let mean = row.iter().sum::<f32>() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let inv = 1.0 / (var + eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    });
}

/// The activations BERT configurations name (`hidden_act`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// `gelu`: the exact GELU, x·Φ(x) with the error function.
    Gelu,
    /// `gelu_new`, `gelu_pytorch_tanh`: the tanh approximation.
    GeluTanh,
    Relu,
}

impl Activation {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "gelu" => Some(Activation::Gelu),
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Some(Activation::GeluTanh),
            "relu" => Some(Activation::Relu),
            _ => None,
        }
    }

    pub fn apply(self, x: &mut [f32]) {
        x.par_chunks_mut(4096).for_each(|chunk| match self {
            Activation::Gelu => gelu(chunk),
            Activation::GeluTanh => chunk.iter_mut().for_each(|v| {
                let inner = 0.797_884_6 * (*v + 0.044715 * *v * *v * *v);
                *v = 0.5 * *v * (1.0 + inner.tanh())
            }),
            Activation::Relu => chunk.iter_mut().for_each(|v| *v = v.max(0.0)),
        });
    }
}

/// The exact GELU over a slice.
fn gelu(x: &mut [f32]) {
    x.iter_mut()
        .for_each(|v| *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2)));
}

/// The error function as a rational function of x² on [-4, 4] (±1 beyond, as in float): no
/// branch or call, so the GELU loop vectorises (libm's scalar `erff` took 11% of the encoder's
/// time, perf). Agrees with `erff` within 1e-6 (test below).
#[inline(always)]
fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let p = [
        -2.726_142_3e-10,
        2.770_681_4e-8,
        -2.101_024e-6,
        -5.692_506_4e-5,
        -7.349_906_3e-4,
        -2.954_600_1e-3,
        -1.609_603_3e-2,
    ]
    .iter()
    .fold(0.0f32, |acc, &c| acc * x2 + c);
    let q = [
        -1.456_607_2e-5,
        -2.133_740_6e-4,
        -1.682_827e-3,
        -7.373_329_2e-3,
        -1.426_474e-2,
    ]
    .iter()
    .fold(0.0f32, |acc, &c| acc * x2 + c);
    x * p / q
}

/// Softmax of each row of `x` (rows of `width`) in place.
pub fn softmax_rows(x: &mut [f32], width: usize) {
    for row in x.chunks_exact_mut(width) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        // Separate loops: the first vectorises (no call inside), the sum stays in registers.
        row.iter_mut().for_each(|v| *v = exp(*v - max));
        let sum: f32 = row.iter().sum();
        let inv = 1.0 / sum;
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

/// e^x without a call, so the softmax loop vectorises (libm's scalar `expf` and the running
/// sum it forced onto the stack were 17% of a BBC run in `perf`). Cephes' `expf`: x = n·ln 2 + r
/// with |r| ≤ ln 2 / 2 (n rounded by the 1.5·2²³ trick, ln 2 in two parts), e^r by its
/// degree-7 polynomial, 2ⁿ written into the exponent bits. Inputs are clamped to [−87, 88]:
/// below, f32's e^x is subnormal (taken as e^−87 ≈ 1.6e−38, nothing beside a row's 1); above,
/// it overflows.
#[inline(always)]
fn exp(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 · 2²³: adding it rounds to an integer
    let x = x.clamp(-87.0, 88.0);
    let t = x * std::f32::consts::LOG2_E + ROUND;
    let n = t - ROUND;
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = [
        1.987_569_1e-4,
        1.398_199_9e-3,
        8.333_452e-3,
        4.166_579_6e-2,
        1.666_666_5e-1,
        0.5,
    ]
    .iter()
    .fold(0.0f32, |acc, &c| acc * r + c);
    let e = p * r * r + r + 1.0;
    // n sits in the low mantissa bits of t.
    let n = (t.to_bits() as i32).wrapping_sub(0x4B40_0000);
    e * f32::from_bits(((n + 127) as u32) << 23)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_equals_the_naive_product_across_row_blocks() {
        let (inp, out, rows) = (5, 3, 130);
        let weight: Vec<f32> = (0..inp * out).map(|i| (i as f32 * 0.37).sin()).collect();
        let bias = vec![0.5, -1.0, 2.0];
        let x: Vec<f32> = (0..rows * inp).map(|i| (i as f32 * 0.11).cos()).collect();
        let layer = Linear {
            weight: weight.clone(),
            bias: bias.clone(),
            inp,
            out,
        };
        let y = layer.forward(&x, rows);
        for r in 0..rows {
            for o in 0..out {
                let want: f32 = (0..inp)
                    .map(|i| x[r * inp + i] * weight[o * inp + i])
                    .sum::<f32>()
                    + bias[o];
                assert!((y[r * out + o] - want).abs() < 1e-5, "row {r} col {o}");
            }
        }
    }

    #[test]
    fn the_rational_erf_agrees_with_libm() {
        let worst = (-6000..=6000)
            .map(|i| i as f32 / 1000.0)
            .map(|x| (erf(x) - libm::erff(x)).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 1e-6, "worst error {worst}");
    }

    #[test]
    fn gelu_layer_norm_and_softmax_match_their_definitions() {
        let mut x = vec![-3.0f32, -0.5, 0.0, 0.5, 3.0];
        Activation::Gelu.apply(&mut x);
        // PyTorch's exact GELU at these points.
        let want = [-0.004_049_7, -0.154_268_5, 0.0, 0.345_731_5, 2.995_950_3];
        for (a, b) in x.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        let mut row = vec![1.0f32, 2.0, 3.0, 4.0];
        layer_norm(&mut row, &[1.0; 4], &[0.0; 4], 1e-12);
        assert!((row.iter().sum::<f32>()).abs() < 1e-6);
        assert!((row[3] - 1.341_640_8).abs() < 1e-5);
        let mut p = vec![0.0f32, 0.0, 1000.0, 1000.0];
        softmax_rows(&mut p, 2);
        assert_eq!(p, vec![0.5, 0.5, 0.5, 0.5]);
    }

    #[test]
    fn exp_is_within_two_ulps_of_libm_over_the_softmax_range() {
        let mut worst = 0.0f64;
        for i in 0..=200_000 {
            let x = -87.0 + 175.0 * i as f32 / 200_000.0;
            let (ours, libm) = (exp(x) as f64, (x as f64).exp());
            worst = worst.max(((ours - libm) / libm).abs());
        }
        assert!(worst < 2.5e-7, "worst relative error {worst}");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1000.0) > 0.0 && exp(-1000.0) < 1e-37);
        let mut row = [1.0f32, 2.0, 3.0, -500.0];
        softmax_rows(&mut row, 4);
        let e: Vec<f64> = [1.0f64, 2.0, 3.0].iter().map(|v| (v - 3.0).exp()).collect();
        let sum: f64 = e.iter().sum();
        for (got, want) in row.iter().zip(&e) {
            assert!((*got as f64 - want / sum).abs() < 1e-7);
        }
        assert!(row[3] < 1e-37);
    }
}
