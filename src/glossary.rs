//! The glossary: every term the page uses, defined once in one plain sentence, in one notation (b_g for a
//! group's random intercept, σ_b for their standard deviation). The page renders it as a `<dl id="glossary">`
//! whose terms carry the ids below, so any sentence can link to `#term-<id>`. Data only.

use serde::Serialize;

/// One glossary entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The term as the page writes it.
    pub term: &'static str,
    /// Its anchor: the page's element id is `term-<id>`.
    pub id: &'static str,
    /// One sentence.
    pub definition: &'static str,
}

/// Every term, in the order a student meets them.
pub const GLOSSARY: &[Term] = &[
    Term {
        term: "b_g",
        id: "b-g",
        definition: "The random intercept of group g: how far that group's log-odds (or, for lmer, its mean) sits above or below the overall intercept α, assumed drawn from a normal distribution with mean 0 and standard deviation σ_b.",
    },
    Term {
        term: "σ_b",
        id: "sigma-b",
        definition: "The standard deviation of the random intercepts b_g: how much the groups differ from each other, estimated from the data.",
    },
    Term {
        term: "joint density",
        id: "joint-density",
        definition: "p(y, b | α, β, σ_b): the probability of the observed outcomes y given the group effects b, times the normal density of those b_g; a function of both the parameters and every b_g.",
    },
    Term {
        term: "posterior",
        id: "posterior",
        definition: "The distribution of a group's b_g given the data, p(b_g | y), at the fitted α, β and σ_b: the joint density of that group divided by its integral over b_g (an empirical Bayes posterior, because the parameters are estimates).",
    },
    Term {
        term: "conditional mode",
        id: "conditional-mode",
        definition: "The value of b_g where its posterior is highest; this is what ranef() prints for a glmer or lmer fit.",
    },
    Term {
        term: "conditional mean",
        id: "conditional-mean",
        definition: "E[b_g | y], the average of b_g under its posterior (its balance point); it differs from the conditional mode whenever the posterior is skewed.",
    },
    Term {
        term: "marginal likelihood",
        id: "marginal-likelihood",
        definition: "The probability of the data given α, β and σ_b alone, with every b_g integrated out of the joint density; glmer and lmer choose the parameters that make it largest.",
    },
    Term {
        term: "ℓ",
        id: "ell",
        definition: "The logarithm of the marginal likelihood, ℓ(α, β, σ_b), the number logLik() reports (for lmer fitted by maximum likelihood).",
    },
    Term {
        term: "Δℓ",
        id: "delta-ell",
        definition: "A difference of log-likelihoods, usually a value minus the maximum, so that 0 marks the best point and −2 a point e² ≈ 7.4 times less likely.",
    },
    Term {
        term: "Laplace approximation",
        id: "laplace",
        definition: "Approximating each group's integral over b_g by a normal curve fitted at the conditional mode; glmer's default (nAGQ = 1), exact when the posterior is normal.",
    },
    Term {
        term: "adaptive Gauss–Hermite quadrature (AGQ, nAGQ)",
        id: "agq",
        definition: "Computing each group's integral over b_g from nAGQ points placed around the conditional mode and scaled to the posterior's width; more points are more accurate, and nAGQ = 1 is the Laplace approximation.",
    },
    Term {
        term: "REML",
        id: "reml",
        definition: "Restricted maximum likelihood, lmer's default: it estimates the variances from the part of the data that the fixed effects cannot explain, so its logLik is not comparable with a maximum-likelihood fit's such as lm's.",
    },
    Term {
        term: "score",
        id: "score",
        definition: "The derivative of the log-likelihood with respect to a parameter; it is zero at the maximum, and the score for α is Σ_g E[b_g | y]/σ_b², which is why the conditional means sum to zero there.",
    },
    Term {
        term: "population-averaged",
        id: "population-averaged",
        definition: "Averaged over the distribution of the groups: the probability for a randomly chosen group, ∫ logistic(α + βx + b) N(b; 0, σ_b²) db, whose curve is flatter than that of a typical group (b_g = 0).",
    },
    Term {
        term: "ICC",
        id: "icc",
        definition: "The latent-scale intraclass correlation σ_b² / (σ_b² + c), the share of the variance on the link's scale that lies between groups, where c is the variance of the observations around their group on that scale: π²/3 for the logit link, 1 for probit, π²/6 for cloglog and, for a Poisson count with the log link, ln(1 + 1/λ), where λ = exp(α + σ_b²/2) is the mean count over groups at x = 0 and α the fixed intercept (the lognormal approximation of Nakagawa, Johnson and Schielzeth, 2017).",
    },
    Term {
        term: "singular fit",
        id: "singular-fit",
        definition: "A fit whose σ_b is estimated as 0: the data show no variation between groups beyond chance, so every b_g is 0.",
    },
    Term {
        term: "opt1",
        id: "opt1",
        definition: "The answer's first optimisation: maximising the joint density over α, β, σ_b and every b_g together (the joint mode); its b_g sum to zero, but it is not the maximum-likelihood fit.",
    },
    Term {
        term: "opt2",
        id: "opt2",
        definition: "The answer's second optimisation: maximising the marginal likelihood computed by numerical integration; done exactly, it is the limit of glmer as nAGQ grows.",
    },
];

/// The entry with anchor `id`.
pub fn term(id: &str) -> Option<&'static Term> {
    GLOSSARY.iter().find(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_is_one_sentence_with_a_unique_anchor_and_one_notation() {
        let mut ids: Vec<&str> = GLOSSARY.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), GLOSSARY.len(), "anchors are unique");
        for t in GLOSSARY {
            assert!(t.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}: id usable in a URL", t.id);
            let d = t.definition;
            assert!(d.ends_with('.'), "{}: ends with a full stop", t.id);
            // One sentence: no full stop followed by a space and a capital inside.
            let inner = d.trim_end_matches('.');
            assert!(!inner.contains(". "), "{}: one sentence", t.id);
            // One notation: b_g and σ_b, never z_g or a bare σ.
            assert!(!d.contains("z_g") && !d.contains("σ²") && !d.contains("σ "), "{}: notation", t.id);
        }
        for id in ["conditional-mode", "conditional-mean", "posterior", "marginal-likelihood", "joint-density", "laplace",
            "agq", "reml", "score", "population-averaged", "singular-fit", "sigma-b", "b-g", "ell", "delta-ell", "opt1", "opt2"]
        {
            assert!(term(id).is_some(), "{id} is defined");
        }
    }
}
