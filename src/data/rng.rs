//! R's default random number generation (R ≥ 3.6): Mersenne-Twister uniforms and Inversion normals,
//! seeded exactly as `set.seed()` seeds them, so every draw is bit-for-bit what R gives.
//!
//! The MT19937 recurrence itself is `rand_mt::Mt`. That crate cannot take a raw state directly, but
//! `Mt::from([u32; 624])` untempers 624 *outputs* into the state and leaves the index at 624
//! ("regenerate on the next draw"); since tempering is a bijection, feeding it the tempered R state
//! loads R's state words exactly, with R's `mti = 624`.

use rand_mt::Mt;

use super::qnorm::qnorm;

/// Number of 32-bit words in the Mersenne-Twister state.
const MT_N: usize = 624;

/// R's `i2_32m1` = 1/(2^32 − 1), used by `fixup` to keep uniforms strictly inside (0, 1).
const I2_32M1: f64 = 2.328306437080797e-10;

/// 2^27: the Inversion method combines two uniforms into one of 2^-27 · 2^-32 resolution.
const BIG: f64 = 134_217_728.0;

/// R's random number generator with its default kinds:
/// `RNGkind("Mersenne-Twister", "Inversion", "Rejection")`.
#[derive(Debug, Clone)]
pub struct RRng {
    mt: Mt,
}

/// MT19937 output tempering (the inverse of what `Mt::from([u32; 624])` applies).
fn temper(mut y: u32) -> u32 {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c_5680;
    y ^= (y << 15) & 0xefc6_0000;
    y ^= y >> 18;
    y
}

/// R's `fixup()`: never return exactly 0 or 1.
fn fixup(x: f64) -> f64 {
    if x <= 0.0 {
        0.5 * I2_32M1
    } else if 1.0 - x <= 0.0 {
        1.0 - 0.5 * I2_32M1
    } else {
        x
    }
}

impl RRng {
    /// R's `set.seed(seed)` with the default Mersenne-Twister generator (`RNG_Init` in R's RNG.c).
    ///
    /// The seed is scrambled by 50 steps of the LCG `seed = 69069 * seed + 1` (mod 2^32); the next
    /// 625 LCG values fill R's seed table `dummy[0..=624]`, whose first word (`mti`) is then
    /// overwritten with 624 by `FixupSeeds`, so the first draw regenerates the whole state.
    ///
    /// `FixupSeeds` would re-randomise from the clock if the 624 state words were all zero; that
    /// cannot happen here: the LCG has full period 2^32, so 624 consecutive values are distinct and
    /// at most one of them is zero.
    pub fn set_seed(seed: i32) -> RRng {
        let mut s = seed as u32;
        for _ in 0..50 {
            s = s.wrapping_mul(69069).wrapping_add(1);
        }
        // dummy[0] (mti): drawn for historical consistency, then replaced by 624.
        s = s.wrapping_mul(69069).wrapping_add(1);
        let mut tempered = [0u32; MT_N];
        for word in tempered.iter_mut() {
            s = s.wrapping_mul(69069).wrapping_add(1);
            *word = temper(s);
        }
        RRng {
            mt: Mt::from(tempered),
        }
    }

    /// R's `unif_rand()`: `fixup(MT_genrand())`, a uniform in (0, 1) with 32-bit resolution.
    pub fn unif_rand(&mut self) -> f64 {
        fixup(f64::from(self.mt.next_u32()) * 2.328_306_436_538_696_3e-10)
    }

    /// R's `norm_rand()` with `normal.kind = "Inversion"`:
    /// `u = unif_rand(); u = (int)(BIG*u) + unif_rand(); qnorm5(u/BIG, 0, 1, 1, 0)`.
    pub fn norm_rand(&mut self) -> f64 {
        let u1 = self.unif_rand();
        // (int)(BIG*u1): truncation toward zero of a value in (0, 2^27).
        let u = (BIG * u1).trunc() + self.unif_rand();
        qnorm(u / BIG, 0.0, 1.0, true, false)
    }

    /// R's `runif(n)` (min 0, max 1): `0 + (1 - 0) * unif_rand()`, which is `unif_rand()` exactly.
    pub fn runif(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.unif_rand()).collect()
    }

    /// R's `rnorm(n)` (mean 0, sd 1): `0 + 1 * norm_rand()`, which is `norm_rand()` exactly.
    pub fn rnorm(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.norm_rand()).collect()
    }
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // literals are R's sprintf('%.17g') output, pasted verbatim
mod tests {
    use super::*;

    fn assert_bits(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(
                g.to_bits(),
                w.to_bits(),
                "element {i}: got {g:e}, R gives {w:e}"
            );
        }
    }

    fn unif_then_norm(seed: i32, n_unif: usize, n_norm: usize) -> Vec<f64> {
        let mut rng = RRng::set_seed(seed);
        let mut v = rng.runif(n_unif);
        v.extend(rng.rnorm(n_norm));
        v
    }

    #[test]
    fn seed_1_matches_r() {
        // R 4.2.2: set.seed(1); sprintf('%.17g', runif(5))
        let mut rng = RRng::set_seed(1);
        assert_bits(
            &rng.runif(5),
            &[
                0.26550866314209998,
                0.37212389963679016,
                0.57285336335189641,
                0.90820778999477625,
                0.2016819310374558,
            ],
        );
    }

    #[test]
    fn seed_42_matches_r() {
        // R 4.2.2: set.seed(42); sprintf('%.17g', c(runif(3), rnorm(3)))
        assert_bits(
            &unif_then_norm(42, 3, 3),
            &[
                0.91480604349635541,
                0.93707541329786181,
                0.28613953478634357,
                0.95593564863065084,
                0.047884736094251722,
                -1.1045994406830582,
            ],
        );
    }

    #[test]
    fn negative_seed_matches_r() {
        // R 4.2.2: set.seed(-7); sprintf('%.17g', c(runif(3), rnorm(3)))
        assert_bits(
            &unif_then_norm(-7, 3, 3),
            &[
                0.32649485557340086,
                0.53986111702397466,
                0.25473622092977166,
                -0.85382162220573699,
                0.094676509506018941,
                -1.0258579494496376,
            ],
        );
    }

    #[test]
    fn seed_0_matches_r() {
        // R 4.2.2: set.seed(0); sprintf('%.17g', c(runif(3), rnorm(3)))
        assert_bits(
            &unif_then_norm(0, 3, 3),
            &[
                0.8966972001362592,
                0.26550866314209998,
                0.37212389963679016,
                0.18364332422208224,
                -0.83562861241004716,
                1.5952808021377916,
            ],
        );
    }

    #[test]
    fn max_seed_matches_r() {
        // R 4.2.2: set.seed(2147483647); sprintf('%.17g', c(runif(2), rnorm(2)))
        assert_bits(
            &unif_then_norm(i32::MAX, 2, 2),
            &[
                0.68966742674820125,
                0.98787517822347581,
                -0.85323596952647529,
                1.5923866380039915,
            ],
        );
    }

    #[test]
    fn state_regeneration_matches_r() {
        // R 4.2.2: set.seed(1); u <- runif(700); sprintf('%.17g', u[c(1, 624, 625, 700)])
        let u = RRng::set_seed(1).runif(700);
        assert_bits(
            &[u[0], u[623], u[624], u[699]],
            &[
                0.26550866314209998,
                0.13648758619092405,
                0.32486514048650861,
                0.47350309835746884,
            ],
        );
    }

    #[test]
    fn fixup_keeps_uniforms_inside_the_unit_interval() {
        assert_eq!(fixup(0.0), 0.5 * I2_32M1);
        assert_eq!(fixup(1.0), 1.0 - 0.5 * I2_32M1);
        assert_eq!(fixup(0.25), 0.25);
    }
}
