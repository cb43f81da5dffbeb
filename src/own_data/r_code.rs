//! The R script that fits a user's data as the page does: `read.csv` with the factor columns read as text,
//! then glm without and with the group and glmer (Laplace, and nAGQ = K when K > 1), or lm and lmer for the
//! gaussian family, each printing the numbers of the page's table.

use crate::data::formula::{Formula, Response};

/// What the script needs to know about the fit.
pub struct RCodeInput<'a> {
    pub file_name: &'a str,
    pub formula: &'a Formula,
    /// Columns read as text (`colClasses = "character"`), so that R makes factors of them.
    pub factors: &'a [String],
    /// Whether the group column holds numbers R would read as such (then glm gets `factor(group)`).
    pub group_is_numeric: bool,
    pub family: &'a str,
    pub link: &'a str,
    pub nagq: usize,
    pub reml: bool,
}

/// `s` as an R string literal.
fn r_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `response ~ fixed terms [+ extra]`, the formula without its random term.
fn fixed_formula(f: &Formula, extra: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !f.intercept {
        parts.push("0".into());
    }
    parts.extend(f.terms.iter().map(ToString::to_string));
    parts.extend(extra.map(String::from));
    if parts.is_empty() {
        parts.push("1".into());
    }
    format!("{} ~ {}", f.response, parts.join(" + "))
}

/// The script.
pub fn r_script(i: &RCodeInput) -> String {
    let f = i.formula;
    let g = &f.group;
    let mut out = String::from("library(lme4)\n");
    let classes = if i.factors.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = i.factors.iter().map(|c| format!("{} = \"character\"", r_string(c))).collect();
        format!(",\n              colClasses = c({})", list.join(", "))
    };
    out.push_str(&format!("d <- read.csv({}{classes})\n", r_string(i.file_name)));
    out.push_str(&format!("f <- {f}\n"));
    let group_term = if i.group_is_numeric && !i.factors.contains(g) { format!("factor({g})") } else { g.clone() };
    let pooled = fixed_formula(f, None);
    let with_group = fixed_formula(f, Some(&group_term));
    let sum_modes = format!("sum(ranef(m)${g})");
    if i.family == "gaussian" {
        out.push_str(&format!("m_lm <- lm({pooled}, data = d)\n"));
        out.push_str(&format!("m_lm_group <- lm({with_group}, data = d)\n"));
        out.push_str(&format!("m_lmer <- lmer(f, data = d, REML = {})\n", if i.reml { "TRUE" } else { "FALSE" }));
        out.push_str("print(coef(m_lm)); print(logLik(m_lm))\nprint(logLik(m_lm_group))\n");
        out.push_str(&format!(
            "show <- function(m) c(fixef(m), sigma_b = attr(VarCorr(m)[[1]], \"stddev\")[[1]],\n                       logLik = as.numeric(logLik(m)), sum_modes = {sum_modes})\nprint(show(m_lmer), digits = 10)\n"
        ));
        return out;
    }
    out.push_str(&format!("fam <- {}(link = {})\n", i.family, r_string(i.link)));
    out.push_str(&format!("m_glm <- glm({pooled}, family = fam, data = d)\n"));
    out.push_str(&format!("m_glm_group <- glm({with_group}, family = fam, data = d)\n"));
    out.push_str("m_laplace <- glmer(f, family = fam, data = d)  # nAGQ = 1, the Laplace approximation\n");
    if i.nagq > 1 {
        out.push_str(&format!("m_agq <- glmer(f, family = fam, data = d, nAGQ = {})\n", i.nagq));
    }
    out.push_str("print(coef(m_glm)); print(logLik(m_glm))\nprint(logLik(m_glm_group))\n");
    out.push_str(&format!(
        "show <- function(m) c(fixef(m), sigma_b = attr(VarCorr(m)[[1]], \"stddev\")[[1]],\n                       logLik = as.numeric(logLik(m)), sum_modes = {sum_modes})\n"
    ));
    if i.nagq > 1 {
        out.push_str("print(rbind(laplace = show(m_laplace), agq = show(m_agq)), digits = 10)\n");
    } else {
        out.push_str("print(show(m_laplace), digits = 10)\n");
    }
    if matches!(f.response, Response::Column(_)) && i.family == "binomial" {
        out.push_str("# The response must be 0/1 (or TRUE/FALSE); counts out of trials are cbind(successes, trials - successes).\n");
    }
    out.push_str("# The conditional means E[b_g | y] are not in lme4: they need each group's posterior integrated.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbpp_script() {
        let f = Formula::parse("cbind(incidence, size - incidence) ~ period + (1 | herd)").unwrap();
        let factors = vec!["herd".to_string(), "period".to_string()];
        let s = r_script(&RCodeInput {
            file_name: "cbpp.csv",
            formula: &f,
            factors: &factors,
            group_is_numeric: true,
            family: "binomial",
            link: "probit",
            nagq: 25,
            reml: true,
        });
        assert!(s.contains("d <- read.csv(\"cbpp.csv\",\n              colClasses = c(\"herd\" = \"character\", \"period\" = \"character\"))"), "{s}");
        assert!(s.contains("fam <- binomial(link = \"probit\")"), "{s}");
        assert!(s.contains("m_glm_group <- glm(cbind(incidence, size - incidence) ~ period + herd, family = fam, data = d)"), "{s}");
        assert!(s.contains("m_agq <- glmer(f, family = fam, data = d, nAGQ = 25)"), "{s}");
        assert!(s.contains("sum(ranef(m)$herd)"), "{s}");
    }

    #[test]
    fn gaussian_and_numeric_groups() {
        let f = Formula::parse("Reaction ~ Days + (1 | Subject)").unwrap();
        let s = r_script(&RCodeInput {
            file_name: "my \"sleep\".csv",
            formula: &f,
            factors: &[],
            group_is_numeric: true,
            family: "gaussian",
            link: "identity",
            nagq: 1,
            reml: true,
        });
        assert!(s.contains("read.csv(\"my \\\"sleep\\\".csv\")"), "{s}");
        assert!(s.contains("m_lm_group <- lm(Reaction ~ Days + factor(Subject), data = d)"), "{s}");
        assert!(s.contains("lmer(f, data = d, REML = TRUE)"), "{s}");
        assert!(!s.contains("glmer"), "{s}");
    }
}
