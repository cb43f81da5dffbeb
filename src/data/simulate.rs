//! The presets of the seed question and answer, every parameter free.
//!
//! [`simulate`] reproduces, bit for bit, the R code
//! ```r
//! set.seed(seed)
//! group <- rep(1:G, each = n)
//! y <- runif(G * n)
//! y_bin <- y > thresholds[group]
//! x <- y_coef * y + rnorm(G * n) + spacing * group
//! if (center) x <- x - mean(x)
//! ```
use serde::{Deserialize, Serialize};

use super::ranges;
use super::rng::RRng;
use super::Dataset;
use crate::error::{Error, Result};

/// Which of the seed's two examples the parameters start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The answer's example: G=2, n=200, thresholds (0.5, 0.1), x = 0.5*y + rnorm + 2*group, centred.
    #[default]
    Answer,
    /// The question's example: G=5, n=200, thresholds 0.5, x = y + rnorm + group, not centred.
    Question,
    /// Anything else (the page switches to this when a parameter leaves a preset).
    Custom,
}

/// Everything that determines a simulated data set. Field names are the CLI's option names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    pub preset: Preset,
    /// R's `set.seed(seed)`.
    pub seed: i32,
    /// Number of groups G (1–50).
    pub groups: usize,
    /// Observations per group (1–100,000).
    pub n: usize,
    /// One threshold per group in [0, 1]: `y_bin = y > thresholds[group]`.
    pub thresholds: Vec<f64>,
    /// Coefficient of y in x.
    pub y_coef: f64,
    /// Coefficient of group in x (group spacing).
    pub spacing: f64,
    /// Whether x is centred (`x <- x - mean(x)`).
    pub center: bool,
}

pub use super::ranges::{MAX_GROUPS, MAX_N};

impl Default for SimConfig {
    /// The answer preset with seed 1.
    fn default() -> Self {
        SimConfig::preset(Preset::Answer)
    }
}

impl SimConfig {
    /// The parameters of a preset, with seed 1. `Custom` starts from the answer's values.
    pub fn preset(p: Preset) -> SimConfig {
        match p {
            Preset::Answer | Preset::Custom => SimConfig {
                preset: p,
                seed: 1,
                groups: 2,
                n: 200,
                thresholds: SimConfig::default_thresholds(p, 2),
                y_coef: 0.5,
                spacing: 2.0,
                center: true,
            },
            Preset::Question => SimConfig {
                preset: p,
                seed: 1,
                groups: 5,
                n: 200,
                thresholds: SimConfig::default_thresholds(p, 5),
                y_coef: 1.0,
                spacing: 1.0,
                center: false,
            },
        }
    }

    /// Default thresholds for `groups` groups: all 0.5 for the question preset; otherwise evenly
    /// spaced from 0.5 down to 0.1 exactly as R's `seq(0.5, 0.1, length.out = groups)` (so G = 2
    /// gives the answer's (0.5, 0.1), and G = 1 gives 0.5).
    pub fn default_thresholds(preset: Preset, groups: usize) -> Vec<f64> {
        match (preset, groups) {
            (Preset::Question, g) => vec![0.5; g],
            (_, 0) => Vec::new(),
            (_, 1) => vec![0.5],
            (_, g) => {
                // seq.default: c(from, from + seq_len(length.out - 2) * (del / n1), to)
                let (from, to) = (0.5, 0.1);
                let by = (to - from) / (g - 1) as f64;
                let mut t = Vec::with_capacity(g);
                t.push(from);
                t.extend((1..g - 1).map(|k| from + k as f64 * by));
                t.push(to);
                t
            }
        }
    }

    /// The same configuration with `g` groups and the default thresholds for `g`.
    pub fn with_groups(mut self, g: usize) -> Self {
        self.groups = g;
        self.thresholds = SimConfig::default_thresholds(self.preset, g);
        self
    }

    /// Checks every parameter against its [`ranges`](super::ranges); the error names the first one out of
    /// range. This is the one check of a simulation's parameters (the page's, the CLI's and the link's).
    pub fn validate(&self) -> Result<()> {
        if !ranges::GROUPS.contains_whole(self.groups as i64) {
            return Err(ranges::GROUPS.error("groups", self.groups.to_string()));
        }
        if !ranges::N.contains_whole(self.n as i64) {
            return Err(ranges::N.error("n", self.n.to_string()));
        }
        if self.thresholds.len() != self.groups {
            return Err(Error::InvalidParameter {
                name: "thresholds",
                expected: format!("one value per group ({} values)", self.groups),
                got: values(self.thresholds.len()),
            });
        }
        if let Some((k, t)) = self.thresholds.iter().enumerate().find(|(_, t)| !ranges::THRESHOLDS.contains_number(**t)) {
            return Err(ranges::THRESHOLDS.error("thresholds", format!("{t} for group {}", k + 1)));
        }
        for (name, v) in [("y_coef", self.y_coef), ("spacing", self.spacing)] {
            if !ranges::COEF.contains_number(v) {
                return Err(ranges::COEF.error(name, v.to_string()));
            }
        }
        Ok(())
    }
}

/// "1 value", "3 values".
pub fn values(k: usize) -> String {
    if k == 1 {
        "1 value".to_string()
    } else {
        format!("{k} values")
    }
}

/// Simulates the data set of `cfg`, identical to the R code in the module documentation.
pub fn simulate(cfg: &SimConfig) -> Result<Dataset> {
    cfg.validate()?;
    let (g, n) = (cfg.groups, cfg.n);
    let total = g * n;
    let mut rng = RRng::set_seed(cfg.seed);

    // group <- rep(1:G, each = n)   (stored 0-based)
    let group: Vec<usize> = (0..g).flat_map(|k| std::iter::repeat_n(k, n)).collect();
    // y <- runif(G * n); y_bin <- y > thresholds[group]
    let y = rng.runif(total);
    let y_bin: Vec<f64> = y
        .iter()
        .zip(&group)
        .map(|(&yi, &k)| if yi > cfg.thresholds[k] { 1.0 } else { 0.0 })
        .collect();
    // x <- y_coef * y + rnorm(G * n) + spacing * group   (evaluated left to right, as R does)
    let z = rng.rnorm(total);
    let mut x: Vec<f64> = y
        .iter()
        .zip(&z)
        .zip(&group)
        .map(|((&yi, &zi), &k)| cfg.y_coef * yi + zi + cfg.spacing * (k + 1) as f64)
        .collect();
    if x.iter().any(|v| !v.is_finite()) {
        return Err(Error::InvalidParameter {
            name: "spacing",
            expected: "small enough that x stays finite".to_string(),
            got: format!("{} with y_coef {} and {g} groups", cfg.spacing, cfg.y_coef),
        });
    }
    if cfg.center {
        let m = r_mean(&x);
        for v in &mut x {
            *v -= m;
        }
    }

    Ok(Dataset {
        group,
        group_labels: (1..=g).map(|k| k.to_string()).collect(),
        x,
        y: Some(y),
        y_bin,
    })
}

/// `mean(x)` exactly as R computes it on x86-64 (`real_mean` in R's summary.c): the sum is
/// accumulated in 80-bit `long double`, divided by n, then refined by a second pass
/// `mean += sum(x - mean) / n`, also in `long double`, and only then rounded to `double`.
///
/// The `long double` arithmetic is emulated in software (the private `F80` type), so the result is bit-identical
/// to R on every target, including wasm. An empty slice gives NaN, like R.
pub fn r_mean(x: &[f64]) -> f64 {
    let n = x.len();
    if n == 0 {
        return f64::NAN; // 0/0 in R
    }
    if x.iter().any(|v| !v.is_finite()) {
        // A finite sum of doubles cannot overflow an 80-bit float, so the result is decided by the
        // non-finite values alone: NaN wins, +Inf with -Inf gives NaN, otherwise the infinity.
        let (mut pos, mut neg) = (false, false);
        for &v in x {
            if v.is_nan() {
                return f64::NAN;
            }
            pos |= v == f64::INFINITY;
            neg |= v == f64::NEG_INFINITY;
        }
        return if pos && neg {
            f64::NAN
        } else if pos {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
    }

    let mut s = F80::ZERO;
    for &v in x {
        s = s.add(F80::from_f64(v));
    }
    if s.to_f64().is_finite() {
        s = s.div_int(n as u64);
        let mut t = F80::ZERO;
        for &v in x {
            t = t.add(F80::from_f64(v).sub(s));
        }
        s = s.add(t.div_int(n as u64));
    } else {
        // The sum overflowed a double: R sums x[i]/n (divided in double) instead.
        let nf = n as f64;
        s = F80::ZERO;
        for &v in x {
            s = s.add(F80::from_f64(v / nf));
        }
        if s.to_f64().is_finite() {
            let mut t = F80::ZERO;
            for &v in x {
                t = t.add(F80::from_f64(v).sub(s).div_int(n as u64));
            }
            s = s.add(t);
        }
    }
    s.to_f64()
}

/// A finite x87 80-bit extended-precision number (64-bit significand, round to nearest even):
/// the value is `mant · 2^(exp − 63)` with the top bit of `mant` set, or zero when `mant == 0`.
/// Only what [`r_mean`] needs: exact conversion from `f64`, addition, division by an integer,
/// and rounding back to `f64`. The exponent range is never exhausted by sums of doubles.
#[derive(Debug, Clone, Copy, PartialEq)]
struct F80 {
    neg: bool,
    exp: i32,
    mant: u64,
}

/// Shifts right by `d` bits, OR-ing every bit shifted out into the lowest bit (the sticky bit).
fn shr_sticky(x: u128, d: u32) -> u128 {
    if d == 0 {
        x
    } else if d >= 128 {
        u128::from(x != 0)
    } else {
        (x >> d) | u128::from(x & ((1u128 << d) - 1) != 0)
    }
}

impl F80 {
    const ZERO: F80 = F80 {
        neg: false,
        exp: 0,
        mant: 0,
    };

    /// Exact conversion of a finite double.
    fn from_f64(d: f64) -> F80 {
        let bits = d.to_bits();
        let neg = bits >> 63 == 1;
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        if biased == 0 {
            if frac == 0 {
                return F80 {
                    neg,
                    exp: 0,
                    mant: 0,
                };
            }
            // subnormal: frac · 2^-1074
            let lz = frac.leading_zeros() as i32;
            F80 {
                neg,
                exp: -1011 - lz,
                mant: frac << lz,
            }
        } else {
            F80 {
                neg,
                exp: biased - 1023,
                mant: (frac | (1u64 << 52)) << 11,
            }
        }
    }

    fn negate(self) -> F80 {
        F80 {
            neg: !self.neg,
            ..self
        }
    }

    /// Rounds `r · 2^(scale)`, whose leading bit is anywhere in `r`, to a 64-bit significand.
    /// `sticky` tells whether nonzero bits lie below `r`.
    fn round(neg: bool, r: u128, scale: i32, sticky: bool) -> F80 {
        debug_assert!(r != 0);
        let top = 127 - r.leading_zeros() as i32; // position of the leading 1
        if top < 63 {
            // fewer than 64 significant bits: exact (only possible without sticky bits)
            let sh = (63 - top) as u32;
            return F80 {
                neg,
                exp: scale + top,
                mant: (r as u64) << sh,
            };
        }
        let drop = (top - 63) as u32;
        let mut mant = (r >> drop) as u64;
        let mut exp = scale + top;
        if drop > 0 {
            let rem = r & ((1u128 << drop) - 1);
            let half = 1u128 << (drop - 1);
            if rem > half || (rem == half && (sticky || mant & 1 == 1)) {
                mant = mant.wrapping_add(1);
                if mant == 0 {
                    mant = 1u64 << 63;
                    exp += 1;
                }
            }
        }
        F80 { neg, exp, mant }
    }

    /// `self + other`, correctly rounded.
    fn add(self, other: F80) -> F80 {
        if other.mant == 0 {
            return if self.mant == 0 {
                F80 {
                    neg: self.neg && other.neg,
                    ..F80::ZERO
                }
            } else {
                self
            };
        }
        if self.mant == 0 {
            return other;
        }
        let (big, small) = if (self.exp, self.mant) >= (other.exp, other.mant) {
            (self, other)
        } else {
            (other, self)
        };
        let d = (big.exp - small.exp) as u32;
        // 62 guard bits below the significand, one bit of headroom for the carry.
        let bm = u128::from(big.mant) << 62;
        let sm = shr_sticky(u128::from(small.mant) << 62, d);
        let r = if big.neg == small.neg {
            bm + sm
        } else {
            bm - sm
        };
        if r == 0 {
            return F80::ZERO; // exact cancellation gives +0 when rounding to nearest
        }
        // bm's leading bit (position 125) has weight 2^big.exp.
        F80::round(big.neg, r, big.exp - 125, false)
    }

    fn sub(self, other: F80) -> F80 {
        self.add(other.negate())
    }

    /// `self / n` for an integer `1 <= n < 2^63`, correctly rounded.
    fn div_int(self, n: u64) -> F80 {
        if self.mant == 0 {
            return self;
        }
        let num = u128::from(self.mant) << 64;
        let q = num / u128::from(n);
        let rem = num % u128::from(n);
        // num has weight 2^(exp - 127) per unit.
        F80::round(self.neg, q, self.exp - 127, rem != 0)
    }

    /// Rounds to the nearest double (ties to even), overflowing to ±Inf and underflowing
    /// gradually, as the x87 conversion `(double) s` does.
    fn to_f64(self) -> f64 {
        let sign = if self.neg { 1u64 << 63 } else { 0 };
        if self.mant == 0 {
            return f64::from_bits(sign);
        }
        let e = i64::from(self.exp);
        if e > 1023 {
            return f64::from_bits(sign | 0x7ff0_0000_0000_0000);
        }
        // bits of the 64-bit significand that do not fit (more for subnormal results)
        let drop: u32 = if e >= -1022 {
            11
        } else {
            (11 + (-1022 - e)).min(65) as u32
        };
        let m = u128::from(self.mant);
        let mut hi = (m >> drop) as u64;
        let rem = m & ((1u128 << drop) - 1);
        let half = 1u128 << (drop - 1);
        if rem > half || (rem == half && hi & 1 == 1) {
            hi += 1;
        }
        let bits = if e >= -1022 {
            let (mut biased, mut frac) = ((e + 1023) as u64, hi);
            if hi == 1u64 << 53 {
                biased += 1;
                frac = 1u64 << 52;
            }
            if biased >= 0x7ff {
                return f64::from_bits(sign | 0x7ff0_0000_0000_0000);
            }
            (biased << 52) | (frac & ((1u64 << 52) - 1))
        } else {
            hi // subnormal, or the smallest normal if rounding carried into bit 52
        };
        f64::from_bits(sign | bits)
    }
}

#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    fn assert_bits(got: &[f64], want: &[f64], what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: lengths differ");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(
                g.to_bits(),
                w.to_bits(),
                "{what}[{i}]: got {g:e}, R gives {w:e}"
            );
        }
    }

    #[test]
    fn answer_preset_matches_r() {
        // R 4.2.2: set.seed(1); group <- rep(1:2, each=200); y <- runif(400); y_bin <- y > c(0.5, 0.1)[group]
        //          x <- 0.5*y + rnorm(400) + 2*group; x <- x - mean(x)
        //          sprintf('%.17g', y[1:5]); sprintf('%.17g', x[c(1:5, 400)]); sum(y_bin)
        let d = simulate(&SimConfig::default()).expect("valid preset");
        let y = d.y.as_deref().expect("simulated y");
        assert_bits(
            &y[..5],
            &[
                0.26550866314209998,
                0.37212389963679016,
                0.57285336335189641,
                0.90820778999477625,
                0.2016819310374558,
            ],
            "y",
        );
        assert_bits(
            &[d.x[0], d.x[1], d.x[2], d.x[3], d.x[4], d.x[399]],
            &[
                -0.7039181399433212,
                0.62886092485713618,
                0.6269408039526132,
                -1.1228782168506832,
                -3.4304688809390442,
                0.064762277737600016,
            ],
            "x",
        );
        assert_eq!(d.sum_ybin(), 288.0);
        assert_eq!(d.n_obs(), 400);
        assert_eq!(d.group_labels, vec!["1", "2"]);
        assert_eq!((d.group[199], d.group[200]), (0, 1));
    }

    #[test]
    fn answer_preset_mean_matches_r() {
        // R 4.2.2: set.seed(1); y <- runif(400); x <- 0.5*y + rnorm(400) + 2*rep(1:2, each=200)
        //          sprintf('%.17g', mean(x))
        let cfg = SimConfig {
            center: false,
            ..SimConfig::default()
        };
        let d = simulate(&cfg).expect("valid");
        assert_eq!(r_mean(&d.x).to_bits(), 3.2460743111653052f64.to_bits());
    }

    #[test]
    fn question_preset_matches_r() {
        // R 4.2.2: set.seed(1); group <- rep(1:5, each=200); y <- runif(1000); y_bin <- y > 0.5
        //          x <- 1*y + rnorm(1000) + 1*group
        //          sprintf('%.17g', x[c(1:3, 1000)]); sum(y_bin)
        let d = simulate(&SimConfig::preset(Preset::Question)).expect("valid preset");
        assert_bits(
            &[d.x[0], d.x[1], d.x[2], d.x[999]],
            &[
                1.3428117858790236,
                1.0752552574801688,
                0.38961112291922717,
                4.3536108491535934,
            ],
            "x",
        );
        assert_eq!(d.sum_ybin(), 480.0);
        assert_eq!(d.n_groups(), 5);
    }

    #[test]
    fn five_groups_of_2000_centred_match_r() {
        // R 4.2.2: set.seed(1); group <- rep(1:5, each=2000); y <- runif(10000)
        //          y_bin <- y > seq(0.5, 0.1, length.out=5)[group]
        //          x <- 0.5*y + rnorm(10000) + 2*group; x <- x - mean(x)
        //          sprintf('%.17g', x[c(1, 2, 5000, 10000)]); sum(y_bin)
        let cfg = SimConfig {
            n: 2000,
            ..SimConfig::default()
        }
        .with_groups(5);
        let d = simulate(&cfg).expect("valid");
        assert_bits(
            &[d.x[0], d.x[1], d.x[4999], d.x[9999]],
            &[
                -5.6177243344277441,
                -3.4189022163902334,
                0.17193027398435756,
                2.6401405539331915,
            ],
            "x",
        );
        assert_eq!(d.sum_ybin(), 6979.0);
    }

    #[test]
    fn default_thresholds_match_r_seq() {
        // R 4.2.2: sprintf('%.17g', seq(0.5, 0.1, length.out=5)) and length.out=7
        assert_bits(
            &SimConfig::default_thresholds(Preset::Answer, 5),
            &[
                0.5,
                0.40000000000000002,
                0.29999999999999999,
                0.19999999999999996,
                0.10000000000000001,
            ],
            "G=5",
        );
        assert_bits(
            &SimConfig::default_thresholds(Preset::Custom, 7),
            &[
                0.5,
                0.43333333333333335,
                0.3666666666666667,
                0.29999999999999999,
                0.23333333333333334,
                0.16666666666666669,
                0.10000000000000001,
            ],
            "G=7",
        );
        assert_eq!(
            SimConfig::default_thresholds(Preset::Answer, 2),
            vec![0.5, 0.1]
        );
        assert_eq!(SimConfig::default_thresholds(Preset::Answer, 1), vec![0.5]);
        assert_eq!(
            SimConfig::default_thresholds(Preset::Question, 3),
            vec![0.5; 3]
        );
    }

    #[test]
    fn presets_and_with_groups() {
        let q = SimConfig::preset(Preset::Question);
        assert_eq!(
            (q.groups, q.n, q.y_coef, q.spacing, q.center),
            (5, 200, 1.0, 1.0, false)
        );
        assert_eq!(q.thresholds, vec![0.5; 5]);
        let a = SimConfig::default();
        assert_eq!(
            (a.seed, a.groups, a.n, a.y_coef, a.spacing, a.center),
            (1, 2, 200, 0.5, 2.0, true)
        );
        assert_eq!(a.thresholds, vec![0.5, 0.1]);
        let a3 = a.with_groups(3);
        assert_eq!(a3.thresholds, vec![0.5, 0.3, 0.1]);
        assert!(a3.validate().is_ok());
    }

    #[test]
    fn validation_names_the_bad_parameter() {
        let bad = |cfg: SimConfig| match cfg.validate() {
            Err(Error::InvalidParameter { name, .. }) => name,
            other => panic!("expected InvalidParameter, got {other:?}"),
        };
        let ok = SimConfig::default();
        assert_eq!(
            bad(SimConfig {
                groups: 0,
                thresholds: vec![],
                ..ok.clone()
            }),
            "groups"
        );
        assert_eq!(bad(ok.clone().with_groups(51)), "groups");
        assert_eq!(bad(SimConfig { n: 0, ..ok.clone() }), "n");
        assert_eq!(
            bad(SimConfig {
                n: 100_001,
                ..ok.clone()
            }),
            "n"
        );
        assert_eq!(
            bad(SimConfig {
                thresholds: vec![0.5],
                ..ok.clone()
            }),
            "thresholds"
        );
        assert_eq!(
            bad(SimConfig {
                thresholds: vec![0.5, 1.5],
                ..ok.clone()
            }),
            "thresholds"
        );
        assert_eq!(
            bad(SimConfig {
                thresholds: vec![f64::NAN, 0.1],
                ..ok.clone()
            }),
            "thresholds"
        );
        assert_eq!(
            bad(SimConfig {
                y_coef: f64::INFINITY,
                ..ok.clone()
            }),
            "y_coef"
        );
        assert_eq!(
            bad(SimConfig {
                spacing: f64::NAN,
                ..ok.clone()
            }),
            "spacing"
        );
        assert!(simulate(&SimConfig {
            spacing: f64::MAX,
            ..ok.clone()
        })
        .is_err());
        let msg = SimConfig {
            thresholds: vec![0.5, 1.5],
            ..ok
        }
        .validate()
        .unwrap_err()
        .to_string();
        assert_eq!(
            msg,
            "thresholds must be numbers between 0 and 1, but it is 1.5 for group 2."
        );
        // The page's range for the coefficients (this validator once accepted any finite number).
        let msg = SimConfig { y_coef: -1000.5, ..SimConfig::default() }.validate().unwrap_err().to_string();
        assert_eq!(msg, "y_coef must be a number between -1000 and 1000, but it is -1000.5.");
        assert!(SimConfig { y_coef: -1000.0, spacing: 1000.0, ..SimConfig::default() }.validate().is_ok());
    }

    #[test]
    fn r_mean_edge_cases() {
        assert!(r_mean(&[]).is_nan());
        assert_eq!(r_mean(&[1.0, f64::INFINITY]), f64::INFINITY);
        assert!(r_mean(&[f64::INFINITY, f64::NEG_INFINITY]).is_nan());
        // R 4.2.2: mean(c(1e308, 1e308, 1e308)) is 1e308 (long double does not overflow)
        assert_eq!(r_mean(&[1e308, 1e308, 1e308]), 1e308);
        assert_eq!(r_mean(&[f64::MAX, f64::MAX]), f64::MAX);
        assert_eq!(r_mean(&[5e-324, 5e-324]), 5e-324);
        // R 4.2.2: sprintf('%.17g', mean(c(0.1, 0.2, 0.3))), mean(c(1e308, 1e308, -1e308, 3)),
        //         mean(c(0.1, 1e-17, 0.7, 1/3))
        assert_eq!(
            r_mean(&[0.1, 0.2, 0.3]).to_bits(),
            0.20000000000000001f64.to_bits()
        );
        assert_eq!(r_mean(&[1e308, 1e308, -1e308, 3.0]), 2.5e307);
        assert_eq!(
            r_mean(&[0.1, 1e-17, 0.7, 1.0 / 3.0]).to_bits(),
            0.28333333333333333f64.to_bits()
        );
    }

    #[test]
    fn f80_rounds_like_the_x87() {
        // 1 + 2^-64 is a tie between 1 and 1 + 2^-63: rounds to even (1).
        let one = F80::from_f64(1.0);
        let tiny = F80::from_f64(2f64.powi(-64));
        assert_eq!(one.add(tiny), one);
        // 1 + 2^-63 is representable in 64 bits but not in 53: to_f64 rounds it to 1.
        let sum = one.add(F80::from_f64(2f64.powi(-63)));
        assert_ne!(sum, one);
        assert_eq!(sum.to_f64(), 1.0);
        // (1 + 2^-63) - 1 is exact.
        assert_eq!(sum.sub(one).to_f64(), 2f64.powi(-63));
        // 1/3 to 64 bits, rounded to 53, equals the double 1/3 (no double-rounding issue here).
        assert_eq!(one.div_int(3).to_f64(), 1.0 / 3.0);
        assert_eq!(F80::from_f64(-2.5).to_f64(), -2.5);
        assert_eq!(F80::from_f64(5e-324).to_f64(), 5e-324);
    }
}
