//! The results of every model of the lesson, as one JSON object (`glmm-demo fit`, `glmmDemo.results()`).
//!
//! Each model is either its fit or `{"error": "<one sentence>"}`; a failing model never stops the others.

use serde::{Deserialize, Serialize};

/// Decimals the results table prints its numbers with (the sums Σ modes and Σ means included).
pub const TABLE_DECIMALS: usize = 6;

/// Below this a sum prints as zero with [`TABLE_DECIMALS`] decimals (½·10^−6), for readers of the JSON
/// (`zero_below`); the page's own text decides with [`reads_as_zero`], which reads the printed digits.
pub const ZERO_AT_TABLE_PRECISION: f64 = 5e-7;

fn zero_at_table_precision() -> f64 {
    ZERO_AT_TABLE_PRECISION
}

/// Whether `x` prints as zero in the table: every digit of it with [`TABLE_DECIMALS`] decimals is 0.
pub fn reads_as_zero(x: f64) -> bool {
    prints_as_zero(x, TABLE_DECIMALS)
}

/// Whether every digit of `x` printed with `decimals` decimals is 0 (the one rule for calling a sum zero).
pub fn prints_as_zero(x: f64, decimals: usize) -> bool {
    x.is_finite() && format!("{:.decimals$}", x.abs()).chars().all(|c| c == '0' || c == '.')
}

/// A fitted model or the sentence saying why it could not be fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Outcome<T> {
    Fit(T),
    Failed { error: String },
}

impl<T> Outcome<T> {
    pub fn fit(&self) -> Option<&T> {
        match self {
            Outcome::Fit(t) => Some(t),
            Outcome::Failed { .. } => None,
        }
    }
}

impl<T> From<crate::Result<T>> for Outcome<T> {
    fn from(r: crate::Result<T>) -> Self {
        match r {
            Ok(t) => Outcome::Fit(t),
            Err(e) => Outcome::Failed { error: e.to_string() },
        }
    }
}

/// What the data are, in numbers R prints too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    pub n_obs: usize,
    pub groups: usize,
    pub group_labels: Vec<String>,
    pub sum_ybin: f64,
    /// First five x (fewer if the data are shorter).
    pub head_x: Vec<f64>,
    /// First five y, when y is known.
    pub head_y: Option<Vec<f64>>,
}

/// `lm(y ~ x)` or `lm(y ~ x + factor(group))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LmFit {
    /// Coefficients in R's order: (Intercept), x, factor(group)2, …
    pub coef: Vec<f64>,
    pub coef_names: Vec<String>,
    /// Residual standard error.
    pub sigma: f64,
    pub loglik: f64,
}

/// `lmer(y ~ x + (1|group))`, REML by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LmmFit {
    /// (Intercept), x
    pub fixef: Vec<f64>,
    pub sigma: f64,
    pub sigma_b: f64,
    /// sigma_b / sigma, lme4's theta.
    pub theta: f64,
    /// BLUPs of the random intercepts (`ranef()`), one per group.
    pub ranef: Vec<f64>,
    pub ranef_sum: f64,
    pub reml: bool,
    /// REML criterion (`REMLcrit`) when fitted by REML, else the ML deviance.
    pub reml_crit: f64,
    pub loglik: f64,
    pub singular: bool,
    /// A sentence on how to read this fit, when it needs one (a singular fit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `glm(y_bin ~ x, binomial)` or `glm(y_bin ~ x + factor(group), binomial)`.
/// Complete separation (e.g. a group whose outcomes are all equal) has no finite maximum: it is an error
/// whose sentence names the separated groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlmFit {
    pub coef: Vec<f64>,
    pub coef_names: Vec<String>,
    pub loglik: f64,
    pub deviance: f64,
}

/// `glmer(y_bin ~ x + (1|group), binomial, nAGQ = K)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlmmFit {
    /// (Intercept), x
    pub fixef: Vec<f64>,
    /// Standard deviation of the random intercepts (lme4's theta for a binomial model).
    pub sigma_b: f64,
    /// Conditional modes of the random intercepts on the b scale (`ranef()`).
    pub ranef: Vec<f64>,
    pub ranef_sum: f64,
    /// Conditional means E[b_g | y] at the fitted parameters.
    pub cond_means: Vec<f64>,
    pub cond_means_sum: f64,
    /// lme4's logLik: −objective/2.
    pub loglik: f64,
    /// lme4's objective at the optimum (−2 logLik).
    pub deviance: f64,
    pub nagq: usize,
    /// sigma_b at 0.
    pub singular: bool,
    /// Relative gradient at the optimum (the stopping criterion).
    pub rel_gradient: f64,
    pub iterations: usize,
    /// The exact log-likelihood (the exact marginal's, by its quadrature) at this fit's parameters; `loglik`
    /// minus it is this quadrature's error there. None when the exact likelihood was not computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact_loglik: Option<f64>,
    /// `exact_loglik` minus the exact marginal's maximum log-likelihood (≤ 0 up to the optimisers'
    /// tolerance): how much likelihood this fit's parameters lose against the exact maximum. None when the
    /// exact marginal has no fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact_loglik_gap: Option<f64>,
    /// A sentence on how to read this fit, when it needs one (a singular fit; conditional means that do not
    /// sum to zero at the table's precision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The answer's opt1: the joint mode over (alpha, beta, sigma, z_1..z_G).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointModeFit {
    pub alpha: f64,
    pub beta: f64,
    pub sigma: f64,
    pub re: Vec<f64>,
    pub re_sum: f64,
    /// Joint log density at the mode.
    pub log_density: f64,
    pub note: String,
}

/// The answer's opt2 done properly: the exact marginal likelihood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarginalExactFit {
    pub alpha: f64,
    pub beta: f64,
    pub sigma: f64,
    pub loglik: f64,
    /// Estimated absolute error of the log-likelihood from the quadrature.
    pub quad_error: f64,
    /// Quadrature nodes per group used.
    pub nodes: usize,
    /// Conditional modes of the random intercepts at this optimum, b_g = σ·û_g (as glmer's `ranef()`).
    #[serde(default)]
    pub ranef: Vec<f64>,
    #[serde(default)]
    pub ranef_sum: f64,
    /// Conditional means E[b_g | y] at this optimum, by the same exact quadrature.
    #[serde(default)]
    pub cond_means: Vec<f64>,
    /// Σ_g E[b_g | y] = σ²·∂ log L/∂α, so zero at the maximum (to ~1e-8 here).
    #[serde(default)]
    pub cond_means_sum: f64,
    /// A sentence on how to read this fit, when it needs one (a singular fit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Every model of the lesson on one data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    pub data: DataSummary,
    pub lm_pooled: Outcome<LmFit>,
    pub lm_group: Outcome<LmFit>,
    pub lmm: Outcome<LmmFit>,
    pub glm_pooled: Outcome<GlmFit>,
    pub glm_group: Outcome<GlmFit>,
    pub glmm_laplace: Outcome<GlmmFit>,
    pub glmm_agq: Outcome<GlmmFit>,
    pub joint_mode: Outcome<JointModeFit>,
    pub marginal_exact: Outcome<MarginalExactFit>,
    /// [`ZERO_AT_TABLE_PRECISION`], for the page's table: a sum below it is marked zero.
    #[serde(default = "zero_at_table_precision")]
    pub zero_below: f64,
}

impl FitReport {
    /// The report as `glmm-demo fit` prints it: every model also carries its `family` and `link` and its
    /// coefficients by name (`coef_named` / `fixef_named`: `{"(Intercept)": …, "x": …}`), beside the arrays
    /// (nothing that reads the arrays changes).
    pub fn to_annotated_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        let fixed = ["(Intercept)".to_string(), "x".to_string()];
        for (key, family, link) in [
            ("lm_pooled", "gaussian", "identity"),
            ("lm_group", "gaussian", "identity"),
            ("lmm", "gaussian", "identity"),
            ("glm_pooled", "binomial", "logit"),
            ("glm_group", "binomial", "logit"),
            ("glmm_laplace", "binomial", "logit"),
            ("glmm_agq", "binomial", "logit"),
            ("joint_mode", "binomial", "logit"),
            ("marginal_exact", "binomial", "logit"),
        ] {
            let Some(m) = v.get_mut(key).and_then(serde_json::Value::as_object_mut) else { continue };
            if m.contains_key("error") {
                continue;
            }
            m.insert("family".into(), family.into());
            m.insert("link".into(), link.into());
            let numbers = |k: &str| m.get(k).and_then(|a| serde_json::from_value::<Vec<f64>>(a.clone()).ok());
            let named = if let (Some(names), Some(coef)) = (
                m.get("coef_names").and_then(|a| serde_json::from_value::<Vec<String>>(a.clone()).ok()),
                numbers("coef"),
            ) {
                Some(("coef_named", Named::new(&names, &coef)))
            } else if let Some(fixef) = numbers("fixef") {
                Some(("fixef_named", Named::new(&fixed, &fixef)))
            } else if let (Some(a), Some(b)) = (m.get("alpha").and_then(|x| x.as_f64()), m.get("beta").and_then(|x| x.as_f64())) {
                Some(("fixef_named", Named::new(&fixed, &[a, b])))
            } else {
                None
            };
            if let Some((k, n)) = named {
                m.insert(k.into(), serde_json::to_value(n).unwrap_or(serde_json::Value::Null));
            }
        }
        v
    }
}

/// Coefficients by name, in the model's column order; in JSON an object, as R's `coef()` prints them:
/// `{"(Intercept)": -1.40, "period2": -0.99, …}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Named(pub Vec<(String, f64)>);

impl Named {
    /// Pairs each name with its value.
    pub fn new(names: &[String], values: &[f64]) -> Named {
        Named(names.iter().cloned().zip(values.iter().copied()).collect())
    }

    /// The value named `name`, as R's `coef(m)[name]`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, f64)> {
        self.0.iter()
    }
}

impl Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for Named {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Named, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Named;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of named coefficients")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> std::result::Result<Named, A::Error> {
                let mut v = Vec::new();
                while let Some(pair) = m.next_entry::<String, f64>()? {
                    v.push(pair);
                }
                Ok(Named(v))
            }
        }
        d.deserialize_map(Visit)
    }
}
