#!/usr/bin/env Rscript
## Reference fixtures on real data (issue 12, section 2): data sets that ship with lme4, plus the answer's
## simulated data with the probit and cloglog links.
##
## Run from anywhere:  nice Rscript tests/reference/make_real_fixtures.R [fixture names...]
## This one command regenerates every real-data fixture: the glmer fixtures below (<data>_<link>_nagq<K>) and
## those of real_fixtures_more.R, which it sources: <data>_<link>_glm (the pooled and per-group GLMs),
## <data>_<link>_marginal (the maximum of the exact marginal likelihood and E[b_g | y] there), and the
## Gaussian case sleepstudy_lm, sleepstudy_lmer_reml, sleepstudy_lmer_ml. With names, only those run
## (a _marginal fixture starts from its _nagq25 fixture's optimum, so make that one first).
## Writes the data to tests/data/<name>.csv and one JSON per model to tests/fixtures/real/<name>.json
## (a subfolder: tests/lme4_fixtures.rs reads every tests/fixtures/*.json as a simulated-data fixture).
##
## Every model is fitted from the CSV as R reads it back (read.csv(stringsAsFactors = TRUE): factor levels
## in R's sort order), so the CSV alone reproduces the fixture.
##
## As in make_fixtures.R, the expected numbers are at the TRUE optimum of lme4's objective, not where
## glmer's default optimiser stops: lme4's objective (Laplace, or adaptive Gauss-Hermite with lme4's GHrule
## nodes) evaluated at the exact conditional modes, minimised tightly from glmer's default answer.
## lme4's default fit is kept under "lme4_default" (with the CPU time glmer took), glmmTMB's Laplace fit
## under "glmmTMB".
##
## The saturated-model constant C = sum_i log p(y_i | mu_i = y_i) (0 for 0/1 data): for binomial with
## trials and for Poisson, lme4's objective and logLik() at nAGQ = 1 are -2 log L and log L (C included),
## but at nAGQ > 1 they are -2 (log L - C) and log L - C (checked here against lme4's devfun, both K). cbpp:
## Laplace -92.027 vs nAGQ = 25 -50.005 as lme4 prints them, 41.978 of the gap is C. Each fixture records C
## ("saturated_constant"), the true log-likelihood ("loglik", C included, every binomial coefficient
## included) and the value in lme4's convention ("loglik_lme4_convention": loglik for nAGQ = 1,
## loglik - C for nAGQ > 1). For 0/1 data C = 0.
##
## Non-canonical links (probit, cloglog): lme4's Laplace/AGQ scale each group's quadrature by the EXPECTED
## (Fisher) information at the mode (its PIRLS weights mu.eta^2 / V(mu)); glmmTMB's Laplace uses the
## observed Hessian. So for those links glmmTMB's Laplace is a different approximation (recorded, compared
## only for canonical links); at nAGQ = 25 and more both approach the same exact integral.

suppressPackageStartupMessages({
  library(lme4)
  library(glmmTMB)
  library(jsonlite)
  library(minqa)
  library(numDeriv)
})

real_script_path <- local({
  a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a)) normalizePath(sub("^--file=", "", a[1])) else normalizePath("tests/reference/make_real_fixtures.R")
})
## num_json, to_json, check, tight_minimise, simulate_data, answer_cfg (its main part does not run when sourced)
source(file.path(dirname(real_script_path), "make_fixtures.R"))
crate_root <- normalizePath(file.path(dirname(real_script_path), "..", ".."))
data_dir <- file.path(crate_root, "tests", "data")
real_dir <- file.path(crate_root, "tests", "fixtures", "real")
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)
dir.create(real_dir, showWarnings = FALSE, recursive = TRUE)

## ---------------------------------------------------------------------------------------------------
## Data sets -> CSV (numbers with the shortest %.15g/%.16g/%.17g that round-trips; factors as R prints them)
## ---------------------------------------------------------------------------------------------------
write_csv_exact <- function(df, path) {
  cols <- lapply(df, function(v) {
    if (is.factor(v) || is.character(v)) return(as.character(v))
    vapply(as.numeric(v), num_json, "")
  })
  lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
  writeLines(lines, path)
  ## factor columns stay factors (levels re-sorted as R sorts strings), even when their labels are digits
  fcols <- names(df)[vapply(df, function(v) is.factor(v) || is.character(v), TRUE)]
  back <- read.csv(path, colClasses = setNames(rep("character", length(fcols)), fcols))
  for (k in fcols) back[[k]] <- factor(back[[k]])
  attr(back, "factor_columns") <- fcols
  for (k in names(df)) if (is.numeric(df[[k]])) check(all(back[[k]] == df[[k]]), paste("CSV round-trips", k))
  back
}

datasets <- list(
  cbpp = function() lme4::cbpp,
  ## r2 written as 0/1 (1 = "Y"): a numeric binary response, no factor response needed
  VerbAgg = function() { v <- lme4::VerbAgg; v$r2 <- as.integer(v$r2 == "Y"); v },
  ## HEIGHT_z = scale(HEIGHT) written into the CSV, so the formula needs no R function
  grouseticks = function() {
    g <- lme4::grouseticks
    g$HEIGHT_z <- as.numeric(scale(g$HEIGHT))
    g
  },
  ## the answer's example exactly (set.seed(1), see /work/shared/reference/seed-example.md)
  answer_seed1 = function() {
    d <- simulate_data(answer_cfg(1))
    data.frame(group = d$group, x = d$x, y_bin = d$y_bin)
  }
)
data_cache <- list()
get_data <- function(name) {
  if (is.null(data_cache[[name]])) {
    data_cache[[name]] <<- write_csv_exact(datasets[[name]](), file.path(data_dir, paste0(name, ".csv")))
  }
  data_cache[[name]]
}

## ---------------------------------------------------------------------------------------------------
## The model: y (successes or counts), n (trials; 1 for 0/1 data), X, group index
## ---------------------------------------------------------------------------------------------------
make_model <- function(formula, d, family) {
  bar <- lme4::findbars(formula)
  stopifnot(length(bar) == 1)
  gname <- deparse(bar[[1]][[3]])
  fixed <- lme4::nobars(formula)
  mf <- model.frame(fixed, d)
  X <- model.matrix(fixed, mf)
  r <- model.response(mf)
  if (is.matrix(r)) { y <- r[, 1]; n <- r[, 1] + r[, 2] } else { y <- as.numeric(r); n <- rep(1, length(y)) }
  g <- d[[gname]]
  stopifnot(is.factor(g))
  M <- list(formula = formula, family = family, fam = family, y = y, n = n, X = X, g = g,
            gi = as.integer(g), G = nlevels(g), binomial = family$family == "binomial")
  M$rows <- split(seq_along(y), M$gi)
  M$b_cache <- new.env()
  M$b_cache$b <- rep(0, M$G)
  M
}

## log p(y_i | eta_i), every constant included (dbinom/dpois); eta a vector or a matrix with N rows
ll_rows <- function(M, eta, rows = NULL) {
  y <- if (is.null(rows)) M$y else M$y[rows]
  mu <- M$fam$linkinv(eta)
  if (M$binomial) {
    n <- if (is.null(rows)) M$n else M$n[rows]
    dbinom(y, n, mu, log = TRUE)
  } else dpois(y, mu, log = TRUE)
}

## The saturated model's log density, C = sum_i log p(y_i | mu_i = y_i)
saturated_constant <- function(M) {
  if (M$binomial) sum(dbinom(M$y, M$n, M$y / M$n, log = TRUE)) else sum(dpois(M$y, M$y, log = TRUE))
}

## d log p / d eta and the expected information n mu.eta^2 / V(mu) (lme4's PIRLS weights)
score_weight <- function(M, eta) {
  mu <- M$fam$linkinv(eta)
  me <- M$fam$mu.eta(eta)
  if (M$binomial) {
    v <- mu * (1 - mu)
    list(s = (M$y - M$n * mu) * me / v, w = M$n * me^2 / v)
  } else list(s = (M$y - mu) * me / mu, w = me^2 / mu)
}

## Conditional modes of every group at once (Fisher scoring to its fixed point, the posterior mode),
## and the summed expected information at the modes.
cond_modes <- function(M, eta, theta, b0 = M$b_cache$b) {
  b <- b0
  for (it in 1:5000) {
    sw <- score_weight(M, eta + b[M$gi])
    S <- rowsum(sw$s, M$gi)[, 1]
    W <- rowsum(sw$w, M$gi)[, 1]
    step <- (S - b / theta^2) / (W + 1 / theta^2)
    step <- pmax(-2, pmin(2, step))
    b <- b + step
    if (max(abs(step)) < 1e-14 * max(1, abs(b))) break
  }
  sw <- score_weight(M, eta + b[M$gi])
  M$b_cache$b <- b
  list(b = b, W = rowsum(sw$w, M$gi)[, 1], iterations = it)
}

## lme4's objective with the saturated constant left in: -2 log L, L by adaptive Gauss-Hermite (lme4's
## GHrule(K) nodes) centred at each group's exact mode, scaled by 1 / sqrt(expected information + 1/theta^2);
## K = 1 is lme4's Laplace approximation. lme4's own devfun equals this at K = 1 and this + 2C at K > 1.
agq_dev <- function(M, theta, beta, K) {
  theta <- abs(theta)
  eta <- drop(M$X %*% beta)
  if (theta == 0) return(-2 * sum(ll_rows(M, eta)))
  md <- cond_modes(M, eta, theta)
  gh <- GHrule(K)
  z <- gh[, "z"]; lw <- log(gh[, "w"])
  s <- 1 / sqrt(md$W + 1 / theta^2)
  bk <- md$b + outer(s, z) # G x K
  ek <- eta + bk[M$gi, , drop = FALSE]
  lk <- rowsum(matrix(ll_rows(M, ek), nrow(ek)), M$gi) + dnorm(bk, 0, theta, log = TRUE) -
    matrix(dnorm(z, log = TRUE) - lw, M$G, K, byrow = TRUE)
  m <- apply(lk, 1, max)
  -2 * sum(log(s) + m + log(rowSums(exp(lk - m))))
}

## Each group's posterior of b by integrate(): mode, mean and log marginal likelihood
posteriors_general <- function(M, beta, theta) {
  eta <- drop(M$X %*% beta)
  md <- cond_modes(M, eta, theta)
  s <- 1 / sqrt(md$W + 1 / theta^2)
  res <- lapply(seq_len(M$G), function(k) {
    r <- M$rows[[k]]
    b <- md$b[k]
    lp <- function(t) colSums(matrix(ll_rows(M, outer(eta[r], t, "+"), r), length(r))) +
      dnorm(t, 0, theta, log = TRUE)
    l0 <- lp(b)
    f <- function(t) exp(lp(t) - l0)
    gfun <- function(t) (t - b) * exp(lp(t) - l0)
    cuts <- list(c(-Inf, b - 30 * s[k]), c(b - 30 * s[k], b), c(b, b + 30 * s[k]), c(b + 30 * s[k], Inf))
    integ <- function(h, atol) sum(vapply(cuts, function(ab)
      integrate(h, ab[1], ab[2], rel.tol = 1e-12, abs.tol = atol, subdivisions = 1000L)$value, 0))
    Z <- integ(f, 1e-16 * s[k]) # f = 1 at the mode, Z ~ 2.5 s
    ## the first moment about the mode can be ~0: an absolute tolerance of 1e-14 s on the mean
    c(mode = b, mean = b + integ(gfun, 1e-14 * s[k] * Z) / Z, logmarg = l0 + log(Z))
  })
  res <- do.call(rbind, res)
  list(mode = unname(res[, "mode"]), mean = unname(res[, "mean"]), loglik = sum(res[, "logmarg"]))
}

cpu <- function(t) unname(t[["user.self"]] + t[["sys.self"]])

## ---------------------------------------------------------------------------------------------------
## One fixture
## ---------------------------------------------------------------------------------------------------
make_real_fixture <- function(name, description, data_name, formula, family, K, with_tmb = (K == 1)) {
  current_fixture <<- name
  t_start <- proc.time()[["elapsed"]]
  d <- get_data(data_name)
  M <- make_model(formula, d, family)
  C <- saturated_constant(M)
  canonical <- (M$binomial && family$link == "logit") || (!M$binomial && family$link == "log")

  ## lme4 with default settings, timed
  warns <- character(0)
  tm0 <- system.time(m0 <- withCallingHandlers(
    glmer(formula, d, family, nAGQ = K),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleMessage") }))
  warns <- c(warns, unlist(m0@optinfo$conv$lme4$messages))
  p0 <- c(getME(m0, "theta")[[1]], unname(fixef(m0)))
  check(identical(names(fixef(m0)), colnames(M$X)), "fixed-effect names as R prints them")
  obj <- function(p) agq_dev(M, p[1], p[-1], K)

  ## tight optimum of the same objective
  t_tight <- system.time(o <- tight_minimise(obj, p0))
  fval <- o$fval
  theta <- o$par[1]; beta <- o$par[-1]
  check(fval <= obj(p0) + 1e-12, "tight objective not above lme4's default")
  check(max(abs(o$newton_step)) < 1e-7, sprintf("optimum to 1e-7 (Newton step %.3g)", max(abs(o$newton_step))))

  ## lme4's own devfun at the optimum = our objective - (-2 C)
  lme4_fval <- NA
  for (tol in c(1e-14, 1e-13, 1e-12, 1e-10)) {
    devfun <- suppressWarnings(suppressMessages(
      glmer(formula, d, family, nAGQ = K, devFunOnly = TRUE, control = glmerControl(tolPwrss = tol))))
    lme4_fval <- tryCatch(devfun(o$par), error = function(e) NA)
    if (!is.na(lme4_fval)) break
  }
  check(!is.na(lme4_fval), "lme4's devfun evaluates at the optimum")
  ## lme4's devfun keeps C at nAGQ = 1 (-2 log L) and leaves it out at nAGQ > 1 (-2 (log L - C))
  lme4_dev <- if (K == 1) fval else fval + 2 * C
  devfun_diff <- lme4_fval - lme4_dev
  check(abs(devfun_diff) < 1e-5, sprintf("lme4 devfun = our objective (+2C if nAGQ > 1) (%.3g)", devfun_diff))
  re <- environment(devfun)$pp$b(1)
  post <- posteriors_general(M, beta, theta)
  mode_dev <- max(abs(post$mode - re))
  check(mode_dev < 1e-6, sprintf("lme4's conditional modes = exact modes (%.3g)", mode_dev))

  ll <- -fval / 2
  ll_lme4conv <- if (K == 1) ll else ll - C
  default_ll_true <- -obj(p0) / 2
  default_reported <- as.numeric(logLik(m0))
  default_reported_true <- if (K == 1) default_reported else default_reported + C
  ## lme4's reported value carries the error of PIRLS at its default tolPwrss (cbpp Laplace: 2.8e-4)
  check(abs(default_reported_true - default_ll_true) < 1e-2,
        sprintf("lme4's reported logLik (+C for nAGQ > 1) = our objective at its parameters (%.3g)",
                default_reported_true - default_ll_true))
  check(ll >= default_ll_true - 1e-12, "tight loglik >= loglik at lme4's default")

  e <- list(
    fixef_names = I(colnames(M$X)),
    fixef = I(beta),
    fixef_named = as.list(setNames(beta, colnames(M$X))),
    sigma_b = theta,
    group_labels = I(levels(M$g)),
    ranef = I(re),
    ranef_sum = sum(re),
    cond_means = I(post$mean),
    cond_means_sum = sum(post$mean),
    loglik = ll,
    saturated_constant = C,
    loglik_lme4_convention = ll_lme4conv,
    deviance_lme4 = lme4_dev,
    nagq = K,
    singular = theta < 1e-4,
    lme4_default = list(
      fixef = I(unname(fixef(m0))),
      sigma_b = p0[1],
      loglik_reported = default_reported,
      loglik = default_reported_true,
      loglik_exact = default_ll_true,
      cpu_seconds = round(cpu(tm0), 3),
      elapsed_seconds = round(unname(tm0[["elapsed"]]), 3),
      warnings = paste(warns, collapse = "; ")
    )
  )
  checks <- list(
    default_abs_dev = I(abs(p0 - o$par)),
    default_minus_tight_loglik = default_ll_true - ll,
    default_reported_minus_exact = default_reported_true - default_ll_true,
    gradient_at_optimum = I(o$grad),
    newton_step_at_optimum = I(o$newton_step),
    lme4_devfun_minus_objective = devfun_diff,
    lme4_devfun_tolPwrss = tol,
    ranef_vs_exact_modes = mode_dev,
    integrate_loglik_at_optimum = post$loglik,
    integrate_minus_loglik = post$loglik - ll,
    tight_cpu_seconds = round(cpu(t_tight), 3)
  )
  if (with_tmb) {
    tw <- character(0)
    tt <- system.time(tm <- withCallingHandlers(
      glmmTMB(formula, d, family = family,
              control = glmmTMBControl(optCtrl = list(iter.max = 1e5, eval.max = 1e5,
                                                      rel.tol = 1e-14, x.tol = 1e-12))),
      warning = function(w) { tw <<- c(tw, conditionMessage(w)); invokeRestart("muffleWarning") }))
    tmb_ll <- as.numeric(logLik(tm))
    tpar <- c(unname(sqrt(VarCorr(tm)$cond[[1]][1, 1])), unname(fixef(tm)$cond))
    e$glmmTMB <- list(fixef = I(tpar[-1]), sigma_b = tpar[1], loglik = tmb_ll,
                      loglik_lme4_objective = -obj(tpar) / 2,
                      cpu_seconds = round(cpu(tt), 3), warnings = paste(tw, collapse = "; "),
                      laplace_kind = if (canonical) "same as lme4 (canonical link)" else
                        "observed Hessian (lme4: expected information), a different approximation")
    checks$glmmTMB_abs_dev <- I(abs(tpar - o$par))
    checks$glmmTMB_minus_tight_loglik <- tmb_ll - ll
    if (canonical) {
      check(abs(tmb_ll - e$glmmTMB$loglik_lme4_objective) < 1e-6,
            sprintf("glmmTMB's Laplace = ours at its parameters (%.3g)", tmb_ll - e$glmmTMB$loglik_lme4_objective))
      check(ll >= tmb_ll - 1e-9, sprintf("tight Laplace loglik >= glmmTMB's (%.3g)", tmb_ll - ll))
    }
  }

  fixture <- list(
    name = name,
    description = description,
    data = list(csv = paste0("tests/data/", data_name, ".csv"), n_obs = nrow(d), groups = M$G,
                factor_columns = I(attr(d, "factor_columns"))),
    model = list(formula = paste(deparse(formula, width.cutoff = 500L), collapse = " "),
                 family = family$family, link = family$link, nagq = K),
    expected = e,
    checks = checks,
    r_version = R.version.string,
    lme4_version = as.character(packageVersion("lme4")),
    glmmTMB_version = as.character(packageVersion("glmmTMB"))
  )
  json <- to_json(fixture)
  back <- fromJSON(json, simplifyVector = TRUE)
  check(all(back$expected$cond_means == post$mean) && all(back$expected$fixef == beta), "doubles round-trip")
  writeLines(json, file.path(real_dir, paste0(name, ".json")))
  message(sprintf(paste("%-26s %6.1fs  loglik %.10f (C %.6f, lme4 conv %.10f)  lme4 default: cpu %.2fs,",
                        "loglik reported %.10f, max |dev| %.2g"),
                  name, proc.time()[["elapsed"]] - t_start, ll, C, ll_lme4conv, cpu(tm0),
                  default_reported, max(abs(p0 - o$par))))
  invisible(fixture)
}

## ---------------------------------------------------------------------------------------------------
## Fixtures
## ---------------------------------------------------------------------------------------------------
f_cbpp <- cbind(incidence, size - incidence) ~ period + (1 | herd)
f_verb <- r2 ~ Anger + Gender + btype + situ + (1 | id)
f_grouse <- TICKS ~ YEAR + HEIGHT_z + (1 | BROOD)
f_answer <- y_bin ~ x + (1 | group)

real_configs <- list()
add <- function(name, desc, data, formula, family, K) {
  real_configs[[length(real_configs) + 1]] <<- list(name, desc, data, formula, family, K)
}
for (K in c(1, 25)) {
  add(sprintf("cbpp_logit_nagq%d", K), "lme4's cbpp: binomial with trials, logit.", "cbpp", f_cbpp,
      binomial("logit"), K)
}
for (K in c(1, 25)) {
  add(sprintf("grouseticks_log_nagq%d", K),
      "lme4's grouseticks: Poisson counts, log link, factor YEAR, HEIGHT_z = scale(HEIGHT).",
      "grouseticks", f_grouse, poisson("log"), K)
}
for (link in c("logit", "probit", "cloglog")) for (K in c(1, 25)) {
  add(sprintf("verbagg_%s_nagq%d", link, K),
      sprintf("lme4's VerbAgg: 0/1 outcome r2 (1 = Y), %s link, 7,584 rows in 316 groups.", link),
      "VerbAgg", f_verb, binomial(link), K)
}
for (link in c("probit", "cloglog")) for (K in c(1, 25, 100)) {
  add(sprintf("answer_seed1_%s_nagq%d", link, K),
      sprintf("The answer's data (set.seed(1)) fitted with the %s link.", link),
      "answer_seed1", f_answer, binomial(link), K)
}

## the GLMs without the random term, the exact marginal maxima and sleepstudy (real_jobs)
source(file.path(dirname(real_script_path), "real_fixtures_more.R"))

if (sys.nframe() == 0L) {
  only <- commandArgs(TRUE)
  t_all <- proc.time()[["elapsed"]]
  for (c in real_configs) {
    if (length(only) && !(c[[1]] %in% only)) next
    do.call(make_real_fixture, unname(c))
  }
  for (nm in names(real_jobs)) {
    if (length(only) && !(nm %in% only)) next
    real_jobs[[nm]]()
  }
  message(sprintf("done in %.1fs, fixtures in %s", proc.time()[["elapsed"]] - t_all, real_dir))
}
