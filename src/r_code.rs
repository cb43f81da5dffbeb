//! R code that reproduces the page: [`r_script`] writes a self-contained R script for a set of
//! [`Params`] (the page's "R code" button, `glmmDemo.rCode()` and `glmm-demo r-code`).
//!
//! The script is teaching material: `set.seed`, the data generation exactly as
//! [`crate::data::simulate`] does it, the six models of the lesson with short comments, then the key
//! numbers in a readable block, including the conditional means of the random intercepts computed with
//! `integrate()` — the lesson's point is that they sum to zero while `ranef()`'s modes do not.
//!
//! Every double that shapes the data (thresholds, y coefficient, spacing) is written as R's
//! `sprintf("%.17g", x)` writes it ([`format_g17`], the CSV writer's function too): R's parser is not
//! correctly rounded for every shorter decimal, but it reads a 17-digit decimal back as exactly the
//! page's double, so the data are identical bit for bit.
//!
//! Run with the environment variable `GLMM_DEMO_CHECK` set, the script also prints machine-readable
//! lines `GLMM_DEMO_CHECK <name> <numbers with 17 digits>` (read by `tests/r_code.rs`).

use std::fmt::Write;

use crate::data::g17::format_g17;
use crate::params::Params;


/// `a + b * name` as R source, with the sign of `b` written as a binary operator.
fn plus_times(b: f64, name: &str) -> String {
    if b.is_sign_negative() {
        format!("- {} * {name}", format_g17(-b))
    } else {
        format!("+ {} * {name}", format_g17(b))
    }
}

/// One line of R source: code, and a comment after it or (with no code) on a line of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct RLine {
    pub code: String,
    pub comment: Option<String>,
}

/// Where an end-of-line comment starts (the code is padded to this many characters).
const COMMENT_COLUMN: usize = 46;

impl RLine {
    fn code(code: impl Into<String>, comment: Option<&str>) -> RLine {
        RLine { code: code.into(), comment: comment.map(Into::into) }
    }

    fn comment(text: &str) -> RLine {
        RLine { code: String::new(), comment: Some(text.into()) }
    }

    /// The line as the script writes it, with its comment.
    pub fn commented(&self) -> String {
        match (&self.comment, self.code.is_empty()) {
            (None, _) => self.code.clone(),
            (Some(c), true) => format!("# {c}"),
            (Some(c), false) => format!("{:<COMMENT_COLUMN$} # {c}", self.code),
        }
    }
}

/// The lines that simulate the page's data for `params` exactly as [`crate::data::simulate`] does
/// (`set.seed`, `G`, `n`, the thresholds, `group`, `y`, `y_bin`, `x`, `d`): section 1 of [`r_script`].
pub fn data_lines(params: &Params) -> Vec<RLine> {
    let p = params;
    let mut out = vec![
        RLine::code(format!("set.seed({})", p.seed), None),
        RLine::code(format!("G <- {}", p.groups), Some("number of groups")),
        RLine::code(format!("n <- {}", p.n), Some("observations per group")),
        RLine::comment("One threshold per group: y_bin is TRUE when y is above its group's threshold."),
    ];
    let exact: Vec<String> = p.thresholds.iter().map(|&t| format_g17(t)).collect();
    if p.thresholds.iter().zip(&exact).any(|(&t, e)| short(t) != *e) {
        out.push(RLine::comment("They are written with 17 significant digits so that R reads exactly the page's numbers"));
        out.push(RLine::comment("(0.10000000000000001 is how the computer stores 0.1)."));
    }
    out.push(RLine::code(format!("thresholds <- c({})", wrap(&exact, 4, "                ")), None));
    out.push(RLine::code("group <- rep(1:G, each = n)", Some("group 1 first, then group 2, ...")));
    out.push(RLine::code("y <- runif(G * n)", Some("the continuous outcome, uniform on (0, 1)")));
    out.push(RLine::code("y_bin <- y > thresholds[group]", Some("the binary outcome")));
    out.push(RLine::code(
        format!("x <- {} * y + rnorm(G * n) {}", format_g17(p.y_coef), plus_times(p.spacing, "group")),
        Some("the covariate: depends on y, noise and the group"),
    ));
    if p.center {
        out.push(RLine::code("x <- x - mean(x)", Some("centred")));
    } else {
        out.push(RLine::comment("(x is not centred)"));
    }
    out.push(RLine::code("d <- data.frame(y = y, y_bin = y_bin, x = x, group = group)", None));
    out
}

/// The data's R code without comments, as the page's "The same data in R" box shows it: the code lines
/// of [`data_lines`], exactly as the script runs them.
pub fn data_code(params: &Params) -> String {
    let lines: Vec<String> = data_lines(params).into_iter().filter(|l| !l.code.is_empty()).map(|l| l.code).collect();
    lines.join("\n")
}

/// The R script that reproduces the page's data and models for `params` (assumed valid, as
/// [`Params::merge`] returns them).
pub fn r_script(params: &Params) -> String {
    let p = params;
    let g = p.groups;
    let mixed = g >= 2;
    let mut s = String::new();
    let mut line = |text: &str| {
        s.push_str(text);
        s.push('\n');
    };

    // ---- Header ----
    line(&format!("# R code for the glmm-demo page (glmm-demo {}).", env!("CARGO_PKG_VERSION")));
    line("#");
    line(&format!(
        "# Settings: preset \"{}\", seed {}, {} group{} of {} observations, y coefficient {}, group spacing {},",
        preset_name(p),
        p.seed,
        g,
        if g == 1 { "" } else { "s" },
        p.n,
        short(p.y_coef),
        short(p.spacing)
    ));
    line(&format!("# x {}, nAGQ = {}.", if p.center { "centred" } else { "not centred" }, p.nagq));
    line("#");
    line("# Run it with   Rscript glmm-demo.R   (it needs the lme4 package: install.packages(\"lme4\")).");
    line("#");
    line("# What matches the page: the data are identical, and lm() and glm() agree to about 8 digits or");
    line("# better. lmer() and glmer() stop their optimiser when the gradient is small (about 1e-5 relative),");
    line("# a little short of the exact optimum the page computes, so their last digits can differ from the");
    line("# page (glmer's typically from the 5th decimal on).");
    line("");
    line("library(lme4)");
    line("");

    // ---- Data ----
    line("## 1. The data ---------------------------------------------------------------------------------");
    for l in data_lines(p) {
        line(&l.commented());
    }
    line("");

    // ---- Linear models ----
    line("## 2. Linear models for the continuous y ---------------------------------------------------------");
    line("# One line for all groups:");
    line("lm_pooled <- lm(y ~ x, d)");
    if mixed {
        line("# One intercept per group, as fixed effects:");
        line("lm_group <- lm(y ~ x + factor(group), d)");
        line("# One intercept per group, as random effects drawn from a normal distribution (REML, lmer's default).");
        line("# Its random intercepts (ranef) sum to zero: the posterior of each is normal, so mode = mean.");
        line("lmm <- lmer(y ~ x + (1 | group), d)");
    } else {
        line("# With one group there are no group intercepts to fit: lm(y ~ x + factor(group)), lmer() and");
        line("# glmer() need at least two groups.");
    }
    line("");

    // ---- Logistic models ----
    line("## 3. Logistic models for the binary y_bin ------------------------------------------------------");
    line("glm_pooled <- glm(y_bin ~ x, binomial, d)");
    if mixed {
        line("glm_group <- glm(y_bin ~ x + factor(group), binomial, d)");
        line("# Random intercepts, likelihood by the Laplace approximation (nAGQ = 1, glmer's default):");
        line("glmm_laplace <- glmer(y_bin ~ x + (1 | group), d, binomial)");
        if p.nagq > 1 {
            line(&format!(
                "# The same model, likelihood by adaptive Gauss-Hermite quadrature with {} nodes per group:",
                p.nagq
            ));
            line(&format!("glmm_agq <- glmer(y_bin ~ x + (1 | group), d, binomial, nAGQ = {})", p.nagq));
        } else {
            line("# The page's nAGQ = 1 is the Laplace fit above.");
            line("glmm_agq <- glmm_laplace");
        }
        line("");

        // ---- Conditional means ----
        line("## 4. Conditional means of the random intercepts ------------------------------------------------");
        line("# ranef() prints the conditional MODES: for each group, the most likely b given the data.");
        line("# The conditional MEAN is E[b | data], the average of b over its posterior");
        line("#   p(b | data) = p(data | b) dnorm(b, 0, sigma) / integral of the same over b.");
        line("# At the maximum of the marginal likelihood the means sum to zero; the modes do not, because");
        line("# the posterior of each group's b is skewed in a logistic model.");
        line("cond_means <- function(model) {");
        line("  beta <- fixef(model)");
        line("  sigma <- getME(model, \"theta\")[[1]]   # standard deviation of the random intercepts");
        line("  if (sigma == 0) return(rep(0, G))      # a singular fit: every b is 0");
        line("  modes <- ranef(model)$group[, 1]");
        line("  means <- numeric(G)");
        line("  for (g in 1:G) {");
        line("    eta <- beta[1] + beta[2] * d$x[d$group == g]");
        line("    yb <- d$y_bin[d$group == g]");
        line("    # log of p(data | b) * dnorm(b, 0, sigma): Bernoulli log-likelihood plus the normal log density");
        line("    log_post <- function(b) {");
        line("      loglik <- sapply(b, function(bb) sum(ifelse(yb, plogis(eta + bb, log.p = TRUE),");
        line("                                                      plogis(-(eta + bb), log.p = TRUE))))");
        line("      loglik + dnorm(b, 0, sigma, log = TRUE)");
        line("    }");
        line("    m <- modes[g]");
        line("    top <- log_post(m)");
        line("    dens <- function(b) exp(log_post(b) - top)   # divided by its value at the mode: no underflow");
        line("    p <- plogis(eta + m)");
        line("    s <- 1 / sqrt(sum(p * (1 - p)) + 1 / sigma^2)  # approximate posterior standard deviation");
        line("    # integrate() in four pieces around the mode, so that it cannot miss the peak");
        line("    cuts <- c(-Inf, m - 10 * s, m, m + 10 * s, Inf)");
        line("    area <- function(f) sum(sapply(1:4, function(k) integrate(f, cuts[k], cuts[k + 1], rel.tol = 1e-10)$value))");
        line("    means[g] <- m + area(function(b) (b - m) * dens(b)) / area(dens)");
        line("  }");
        line("  means");
        line("}");
        if p.nagq < 10 {
            line(&format!(
                "# (With nAGQ = {} the fit maximises an approximation of the marginal likelihood, so the sum is",
                p.nagq
            ));
            line("# only close to zero; nAGQ = 25 or more makes it zero to about 5 decimals.)");
        }
        line("agq_means <- cond_means(glmm_agq)");
    }
    line("");

    // ---- Printout ----
    line("## 5. The numbers the page shows ------------------------------------------------------------------");
    line("show <- function(label, values) {");
    line("  cat(sprintf(\"  %-37s\", label), formatC(as.numeric(values), digits = 7, format = \"g\", width = 11), \"\\n\")");
    line("}");
    line("cat(\"\\nContinuous y\\n\")");
    line("show(\"lm: intercept, slope\", coef(lm_pooled))");
    if mixed {
        line("show(\"lm + group: intercept, slope\", coef(lm_group)[1:2])");
        line("show(\"lmer: intercept, slope\", fixef(lmm))");
        line("show(\"lmer: sigma_b (sd of intercepts)\", getME(lmm, \"theta\") * sigma(lmm))");
        line("show(\"lmer: ranef\", ranef(lmm)$group[, 1])");
        line("show(\"lmer: sum of ranef (zero)\", sum(ranef(lmm)$group[, 1]))");
    }
    line("cat(\"\\nBinary y_bin\\n\")");
    line("show(\"glm: intercept, slope\", coef(glm_pooled))");
    if mixed {
        line("show(\"glm + group: intercept, slope\", coef(glm_group)[1:2])");
        line("show(\"glmer Laplace: intercept, slope\", fixef(glmm_laplace))");
        line("show(\"glmer Laplace: theta (sigma_b)\", getME(glmm_laplace, \"theta\"))");
        line("show(\"glmer Laplace: ranef (modes)\", ranef(glmm_laplace)$group[, 1])");
        line("show(\"glmer Laplace: sum of modes\", sum(ranef(glmm_laplace)$group[, 1]))");
        let k = p.nagq;
        line(&format!("show(\"glmer nAGQ = {k}: intercept, slope\", fixef(glmm_agq))"));
        line(&format!("show(\"glmer nAGQ = {k}: theta (sigma_b)\", getME(glmm_agq, \"theta\"))"));
        line(&format!("show(\"glmer nAGQ = {k}: ranef (modes)\", ranef(glmm_agq)$group[, 1])"));
        line(&format!("show(\"glmer nAGQ = {k}: sum of modes\", sum(ranef(glmm_agq)$group[, 1]))"));
        line(&format!("show(\"glmer nAGQ = {k}: conditional means\", agq_means)"));
        line(&format!("show(\"glmer nAGQ = {k}: sum of means (~0)\", sum(agq_means))"));
        line(&format!("show(\"glmer nAGQ = {k}: logLik\", logLik(glmm_agq))"));
    }
    line("");

    // ---- Machine-readable lines ----
    line("## 6. For glmm-demo's own test: full-precision copies, printed only when GLMM_DEMO_CHECK is set ----");
    line("if (nzchar(Sys.getenv(\"GLMM_DEMO_CHECK\"))) {");
    line("  check <- function(name, values) cat(\"GLMM_DEMO_CHECK\", name, sprintf(\"%.17g\", as.numeric(values)), \"\\n\")");
    line("  check(\"thresholds\", thresholds)");
    line("  check(\"sum_ybin\", sum(y_bin))");
    line("  check(\"head_x\", head(x, 5))");
    line("  check(\"lm_pooled\", coef(lm_pooled))");
    line("  check(\"glm_pooled\", coef(glm_pooled))");
    if mixed {
        line("  check(\"lm_group\", coef(lm_group))");
        line("  check(\"lmm_fixef\", fixef(lmm))");
        line("  check(\"lmm_theta\", getME(lmm, \"theta\"))");
        line("  check(\"lmm_ranef\", ranef(lmm)$group[, 1])");
        line("  check(\"glm_group\", coef(glm_group))");
        line("  check(\"glmm_laplace_fixef\", fixef(glmm_laplace))");
        line("  check(\"glmm_laplace_theta\", getME(glmm_laplace, \"theta\"))");
        line("  check(\"glmm_laplace_ranef\", ranef(glmm_laplace)$group[, 1])");
        line("  check(\"glmm_agq_fixef\", fixef(glmm_agq))");
        line("  check(\"glmm_agq_theta\", getME(glmm_agq, \"theta\"))");
        line("  check(\"glmm_agq_ranef\", ranef(glmm_agq)$group[, 1])");
        line("  check(\"glmm_agq_cond_means\", agq_means)");
    }
    line("}");
    s
}

fn preset_name(p: &Params) -> &'static str {
    crate::params::table::preset_token(p.preset)
}

/// The shortest decimal that reads back as `x` in Rust (for comments only: R may misread some of them).
fn short(x: f64) -> String {
    format!("{x}")
}

/// Items joined by ", ", `per_line` to a line, continued lines indented by `indent`.
fn wrap(items: &[String], per_line: usize, indent: &str) -> String {
    let mut out = String::new();
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push(',');
            if k % per_line == 0 {
                let _ = write!(out, "\n{indent}");
            } else {
                out.push(' ');
            }
        }
        out.push_str(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_answer_script_has_seed_data_models_and_nagq() {
        let s = r_script(&Params::default());
        assert!(s.contains("set.seed(1)\n"), "{s}");
        assert!(s.contains("G <- 2 "));
        assert!(s.contains("n <- 200 "));
        assert!(s.contains("thresholds <- c(0.5, 0.10000000000000001)"), "{s}");
        assert!(s.contains("x <- 0.5 * y + rnorm(G * n) + 2 * group"), "{s}");
        assert!(s.contains("x <- x - mean(x)"));
        assert!(s.contains("library(lme4)"));
        for call in [
            "lm(y ~ x, d)",
            "lm(y ~ x + factor(group), d)",
            "lmer(y ~ x + (1 | group), d)",
            "glm(y_bin ~ x, binomial, d)",
            "glm(y_bin ~ x + factor(group), binomial, d)",
            "glmer(y_bin ~ x + (1 | group), d, binomial)\n",
            "glmer(y_bin ~ x + (1 | group), d, binomial, nAGQ = 100)",
            "integrate(",
        ] {
            assert!(s.contains(call), "missing {call}");
        }
        assert!(s.contains("1e-5"), "the optimiser's tolerance is explained");
        assert!(s.lines().all(|l| l.len() <= 130), "short lines");
        assert!(!s.contains('\t'));
    }

    #[test]
    fn thresholds_are_written_at_full_precision() {
        let p = Params::default().merge(&json!({"groups": 5, "seed": 42, "nagq": 7})).unwrap();
        let s = r_script(&p);
        assert!(s.contains("set.seed(42)"));
        assert!(s.contains("nAGQ = 7)"));
        for t in &p.thresholds {
            assert!(s.contains(&format_g17(*t)), "threshold {t}");
        }
        // The thresholds line parses back to exactly the page's doubles.
        let start = s.find("thresholds <- c(").unwrap() + "thresholds <- c(".len();
        let body = &s[start..start + s[start..].find(')').unwrap()];
        let back: Vec<f64> = body.split(',').map(|v| v.trim().parse().unwrap()).collect();
        assert_eq!(back, p.thresholds);
        assert!(s.contains("0.29999999999999999"), "seq(0.5, 0.1, length.out = 5)[3] = 0.3 at 17 digits: {s}");
    }

    #[test]
    fn negative_spacing_not_centred_and_many_groups() {
        let p = Params::default()
            .merge(&json!({"groups": 50, "spacing": -1.5, "y_coef": -0.25, "center": false}))
            .unwrap();
        let s = r_script(&p);
        assert!(s.contains("x <- -0.25 * y + rnorm(G * n) - 1.5 * group"), "{s}");
        assert!(!s.contains("x <- x - mean(x)"));
        assert!(s.contains("(x is not centred)"));
        let start = s.find("thresholds <- c(").unwrap();
        let block = &s[start..start + s[start..].find(')').unwrap()];
        assert_eq!(block.matches(',').count(), 49);
        assert!(block.lines().count() > 5, "wrapped");
    }

    #[test]
    fn one_group_skips_the_group_models_and_nagq_1_reuses_laplace() {
        let p = Params::default().merge(&json!({"groups": 1})).unwrap();
        let s = r_script(&p);
        assert!(s.contains("lm(y ~ x, d)") && s.contains("glm(y_bin ~ x, binomial, d)"));
        assert!(!s.contains("lmer(y") && !s.contains("glmer(y") && !s.contains("factor(group), d)"));
        assert!(s.contains("at least two groups"));

        let p = Params::default().merge(&json!({"nagq": 1})).unwrap();
        let s = r_script(&p);
        assert!(!s.contains("nAGQ = 1)"));
        assert!(s.contains("glmm_agq <- glmm_laplace"));
    }

    #[test]
    fn the_question_preset() {
        let p = Params::default().merge(&json!({"preset": "question"})).unwrap();
        let s = r_script(&p);
        assert!(s.contains("preset \"question\""));
        assert!(s.contains("thresholds <- c(0.5, 0.5, 0.5, 0.5,\n                0.5)"), "{s}");
        assert!(s.contains("x <- 1 * y + rnorm(G * n) + 1 * group"));
        assert!(!s.contains("17 significant digits so"), "no long numbers to explain");
    }

    #[test]
    fn small_and_large_coefficients_are_written_as_r_writes_them() {
        let p = Params::default().merge(&json!({"y_coef": 1e-5, "spacing": -1e-7})).unwrap();
        let s = r_script(&p);
        assert!(s.contains("x <- 1.0000000000000001e-05 * y + rnorm(G * n) - 9.9999999999999995e-08 * group"), "{s}");
    }

    #[test]
    fn the_page_box_shows_the_scripts_data_lines_without_comments() {
        let p = Params::default().merge(&json!({"groups": 3, "center": false})).unwrap();
        let code = data_code(&p);
        let script = r_script(&p);
        assert!(code.starts_with("set.seed(1)\nG <- 3\nn <- 200\nthresholds <- c(0.5, 0.29999999999999999, 0.10000000000000001)\n"), "{code}");
        assert!(code.ends_with("\nd <- data.frame(y = y, y_bin = y_bin, x = x, group = group)"), "{code}");
        assert!(!code.contains('#'), "no comments in the box: {code}");
        assert!(!code.contains("mean(x)"), "not centred");
        // Every line of the box stands in the script's section 1, in the same order.
        let section = &script[script.find("## 1.").unwrap()..script.find("## 2.").unwrap()];
        let mut at = 0;
        for l in code.lines() {
            let k = section[at..].find(l).unwrap_or_else(|| panic!("{l} not in the script's data section"));
            at += k + l.len();
        }
        assert!(section.contains("G <- 3                                         # number of groups\n"), "{section}");
    }
}
