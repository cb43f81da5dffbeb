## Sourced by make_real_fixtures.R (run that script: it regenerates everything; this file alone does nothing).
##
## More fixtures of the real-data families, one JSON each, next to the glmer ones in tests/fixtures/real/:
##   <data>_<link>_glm.json       the same formula without the random term: the pooled GLM
##                                glm(response ~ fixed terms) and the per-group GLM glm(response ~ fixed + group);
##   <data>_<link>_marginal.json  the maximum of the exact marginal likelihood over (beta, sigma_b), with the
##                                conditional means E[b_g | y] there and their sum (~0 for every family and link:
##                                alpha and b_g enter only through alpha + b_g, so d log L / d alpha =
##                                sum_g E[b_g | y] / sigma_b^2 vanishes at the maximum);
##   sleepstudy_lmer_reml.json, sleepstudy_lmer_ml.json, sleepstudy_lm.json
##                                the Gaussian case on lme4's sleepstudy: Reaction ~ Days + (1 | Subject).
## Every log-likelihood is the true one (R's logLik of glm/lm/lmer ML, every constant included).

real_jobs <- list()
add_job <- function(name, fn) real_jobs[[name]] <<- fn

write_real_fixture <- function(name, fixture) {
  json <- to_json(fixture)
  writeLines(json, file.path(real_dir, paste0(name, ".json")))
  invisible(fixture)
}

data_block <- function(data_name, d, G) {
  list(csv = paste0("tests/data/", data_name, ".csv"), n_obs = nrow(d), groups = G,
       factor_columns = I(attr(d, "factor_columns")))
}

versions <- function() list(r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
                            glmmTMB_version = as.character(packageVersion("glmmTMB")))

fdeparse <- function(f) paste(deparse(f, width.cutoff = 500L), collapse = " ")

## ---------------------------------------------------------------------------------------------------
## GLMs without the random term
## ---------------------------------------------------------------------------------------------------
## glm(formula, family) on R's model matrix with the aliased columns dropped first (R's unweighted QR with
## its pivoting, as lm() drops them: the later of two dependent columns goes), so IRLS sees a full-rank design
## (glm() itself re-detects aliasing at every IRLS weight and can oscillate, as on grouseticks' per-brood fit).
## The log-likelihood is computed from the fitted means with every constant (dbinom, dpois), as logLik() does.
glm_tight <- function(formula, d, family) {
  mf <- model.frame(formula, d)
  X <- model.matrix(formula, mf)
  r <- model.response(mf)
  if (is.matrix(r)) { y <- r[, 1]; n <- r[, 1] + r[, 2] } else { y <- as.numeric(r); n <- rep(1, length(y)) }
  q <- qr(X, tol = 1e-7)
  keep <- sort(q$pivot[seq_len(q$rank)])
  m <- withCallingHandlers(
    glm.fit(X[, keep, drop = FALSE], if (family$family == "binomial") y / n else y,
            weights = if (family$family == "binomial") n else NULL, family = family,
            control = glm.control(epsilon = 1e-14, maxit = 200)),
    warning = function(w) invokeRestart("muffleWarning"))
  check(m$converged, paste("glm converged:", fdeparse(formula)))
  cf <- setNames(rep(NA_real_, ncol(X)), colnames(X))
  cf[keep] <- m$coefficients
  mu <- m$fitted.values
  ll <- if (family$family == "binomial") sum(dbinom(y, n, mu, log = TRUE)) else sum(dpois(y, mu, log = TRUE))
  list(coef = cf, deviance = m$deviance, loglik = ll, df_residual = m$df.residual)
}

## Groups whose outcomes sit on the boundary of the family's range (binomial: all 0 or all n; Poisson:
## all 0): their per-group coefficient diverges to -/+Inf. The per-group GLM's supremum is the fit on the
## other groups' rows (the separated rows' log density tends to log 1 = 0).
separated_levels <- function(M) {
  lv <- levels(M$g)
  sep <- vapply(seq_along(lv), function(k) {
    r <- M$rows[[k]]
    if (M$binomial) all(M$y[r] == 0) || all(M$y[r] == M$n[r]) else all(M$y[r] == 0)
  }, TRUE)
  lv[sep]
}

glm_block <- function(m, full) {
  cf <- m$coef
  ok <- !is.na(cf)
  out <- list(deviance = m$deviance, loglik = m$loglik, df_residual = m$df_residual, aliased = I(names(cf)[!ok]))
  if (full) {
    out$coef_names <- I(names(cf)[ok])
    out$coef <- I(unname(cf[ok]))
    out$coef_named <- as.list(cf[ok])
  }
  out
}

make_glm_fixture <- function(name, description, data_name, formula, family) {
  current_fixture <<- name
  t0 <- proc.time()[["elapsed"]]
  d <- get_data(data_name)
  M <- make_model(formula, d, family)
  gname <- deparse(lme4::findbars(formula)[[1]][[3]])
  fixed <- lme4::nobars(formula)
  fixed_names <- colnames(M$X)
  pooled <- glm_tight(fixed, d, family)
  check(identical(names(pooled$coef), fixed_names), "pooled glm names = the design's")
  check(!anyNA(pooled$coef), "pooled glm: no aliased column")
  pb <- glm_block(pooled, TRUE)
  ## the same numbers as R's glm() (whose logLik() is the true log-likelihood)
  g0 <- glm(fixed, family, d, control = glm.control(epsilon = 1e-14, maxit = 200))
  check(abs(as.numeric(logLik(g0)) - pb$loglik) < 1e-9 && max(abs(coef(g0) - pooled$coef)) < 1e-8,
        "pooled glm = R's glm()")

  per_formula <- update(fixed, paste(". ~ . +", gname))
  sep <- separated_levels(M)
  d_fit <- d
  if (length(sep)) {
    d_fit <- d[!(d[[gname]] %in% sep), , drop = FALSE]
    d_fit[[gname]] <- droplevels(d_fit[[gname]])
  }
  per <- glm_tight(per_formula, d_fit, family)
  cf <- per$coef
  group_coef <- names(cf) %in% paste0(gname, levels(d_fit[[gname]]))
  small <- M$G <= 150
  gb <- c(list(
    formula = fdeparse(per_formula),
    fixed_coef_named = as.list(cf[!group_coef & !is.na(cf)]),
    n_group_coef = sum(group_coef & !is.na(cf)),
    reference_group = levels(d_fit[[gname]])[1],
    separated_groups = I(sep)
  ), glm_block(per, small))
  ## without separation the fit is R's glm on all rows; with it, its supremum (checked: glm on all rows,
  ## stopped wherever IRLS stops, is below it and close)
  if (length(sep)) {
    if (small) {
      raw <- tryCatch(as.numeric(logLik(suppressWarnings(
        glm(per_formula, family, d, control = glm.control(epsilon = 1e-14, maxit = 200))))), error = function(e) -Inf)
      check(raw <= gb$loglik + 1e-6, sprintf("supremum not below glm on all rows (%.3g)", raw - gb$loglik))
    } # (on VerbAgg glm() on all rows, 322 columns, takes minutes to give up: not checked there)
    gb$note <- paste("Separated groups (outcomes all on the boundary) have coefficients tending to -/+Inf;",
                     "these numbers are the fit on the other groups' rows, the supremum of the likelihood.")
  }
  fixture <- c(list(
    name = name, description = description,
    data = data_block(data_name, d, M$G),
    model = list(formula_pooled = fdeparse(fixed), formula_group = fdeparse(per_formula),
                 family = family$family, link = family$link),
    expected = list(saturated_constant = saturated_constant(M), glm_pooled = pb, glm_group = gb)
  ), versions())
  write_real_fixture(name, fixture)
  message(sprintf("%-30s %6.1fs  pooled loglik %.10f  per-group loglik %.10f (%d separated, %d aliased)",
                  name, proc.time()[["elapsed"]] - t0, pb$loglik, gb$loglik, length(sep), length(gb$aliased)))
}

## ---------------------------------------------------------------------------------------------------
## The maximum of the exact marginal likelihood
## ---------------------------------------------------------------------------------------------------
## Maximised as adaptive Gauss-Hermite with K = 100 nodes at the exact modes (agq_dev: -2 log L, C
## included, at every K), started from the nAGQ = 25 fixture; then checked against integrate() per group
## (posteriors_general, rel.tol 1e-12) at the optimum. If the two differ by more than 1e-9 the maximiser of
## the integrate() log-likelihood itself is used (small data only).
make_marginal_fixture <- function(name, description, data_name, formula, family, start_fixture) {
  current_fixture <<- name
  t0 <- proc.time()[["elapsed"]]
  d <- get_data(data_name)
  M <- make_model(formula, d, family)
  C <- saturated_constant(M)
  sf <- file.path(real_dir, paste0(start_fixture, ".json"))
  if (file.exists(sf)) {
    s <- fromJSON(sf)$expected
    p0 <- c(s$sigma_b, s$fixef)
  } else {
    m0 <- suppressWarnings(suppressMessages(glmer(formula, d, family, nAGQ = 25)))
    p0 <- c(getME(m0, "theta")[[1]], unname(fixef(m0)))
  }
  K <- 100
  obj <- function(p) agq_dev(M, p[1], p[-1], K)
  o <- tight_minimise(obj, p0)
  theta <- o$par[1]; beta <- o$par[-1]
  check(max(abs(o$newton_step)) < 1e-7, sprintf("optimum to 1e-7 (Newton step %.3g)", max(abs(o$newton_step))))
  post <- posteriors_general(M, beta, theta)
  ll <- -o$fval / 2
  agq50 <- -agq_dev(M, theta, beta, 50) / 2
  method <- "adaptive Gauss-Hermite, 100 nodes per group at the exact mode, checked against integrate()"
  if (abs(post$loglik - ll) > 1e-9) {
    check(M$G <= 150, sprintf("integrate() vs AGQ(100) %.3g on a large data set", post$loglik - ll))
    int_dev <- function(p) if (p[1] <= 0) obj(p) else -2 * posteriors_general(M, p[-1], p[1])$loglik
    o <- tight_minimise(int_dev, o$par)
    theta <- o$par[1]; beta <- o$par[-1]
    post <- posteriors_general(M, beta, theta)
    ll <- post$loglik
    method <- "integrate() per group (rel.tol 1e-12), maximised directly (AGQ(100) differed by more than 1e-9)"
  }
  means_sum <- sum(post$mean)
  check(abs(means_sum) < 1e-6 * max(1, theta^2), sprintf("sum of conditional means %.3g", means_sum))
  e <- list(
    fixef_names = I(colnames(M$X)),
    fixef = I(beta),
    fixef_named = as.list(setNames(beta, colnames(M$X))),
    sigma_b = theta,
    group_labels = I(levels(M$g)),
    cond_means = I(post$mean),
    cond_means_sum = means_sum,
    cond_modes = I(post$mode),
    cond_modes_sum = sum(post$mode),
    loglik = ll,
    saturated_constant = C,
    method = method
  )
  checks <- list(
    integrate_loglik = post$loglik,
    integrate_minus_agq100 = post$loglik - (-obj(o$par) / 2),
    agq50_minus_agq100 = agq50 - (-obj(o$par) / 2),
    gradient_at_optimum = I(o$grad),
    newton_step_at_optimum = I(o$newton_step),
    start = start_fixture
  )
  fixture <- c(list(
    name = name, description = description,
    data = data_block(data_name, d, M$G),
    model = list(formula = fdeparse(formula), family = family$family, link = family$link),
    expected = e, checks = checks
  ), versions())
  write_real_fixture(name, fixture)
  message(sprintf("%-30s %6.1fs  exact loglik %.10f  sigma_b %.8f  sum E[b|y] %.3g  integrate - AGQ100 %.3g",
                  name, proc.time()[["elapsed"]] - t0, ll, theta, means_sum, checks$integrate_minus_agq100))
}

## ---------------------------------------------------------------------------------------------------
## The Gaussian case: sleepstudy
## ---------------------------------------------------------------------------------------------------
datasets$sleepstudy <- function() lme4::sleepstudy[, c("Reaction", "Days", "Subject")]
f_sleep <- Reaction ~ Days + (1 | Subject)

## The tight optimum of lme4's profiled criterion (REML or ML deviance) over theta = sigma_b / sigma:
## optimize(), then Newton on Richardson derivatives while the slope shrinks (as make_fixtures.R's lmm_fit).
lmer_tight <- function(formula, d, reml) {
  tm0 <- system.time(m0 <- lmer(formula, d, REML = reml))
  th0 <- getME(m0, "theta")[[1]]
  lf <- lFormula(formula, d, REML = reml)
  devfun <- do.call(mkLmerDevfun, lf)
  o <- optimize(devfun, c(0, max(10, 100 * th0)), tol = 1e-12)
  th <- o$minimum
  if (th > 1e-4) {
    d1 <- function(t) numDeriv::grad(function(s) devfun(t + s - 1), 1, method.args = list(d = 1e-3, r = 4))
    d2 <- function(t) numDeriv::hessian(function(s) devfun(t + s - 1), 1, method.args = list(d = 1e-3, r = 4))
    g <- d1(th)
    for (it in 1:8) {
      tn <- th - g / d2(th)
      gn <- d1(tn)
      if (tn > 0 && abs(gn) < abs(g) && devfun(tn) <= devfun(th) + 1e-11) { th <- tn; g <- gn } else break
    }
  }
  if (th < 1e-4 && devfun(0) <= devfun(th) + 1e-10) th <- 0
  slope <- numDeriv::grad(function(s) devfun(th + s - 1), 1, method.args = list(d = 1e-3, r = 4))
  fval <- devfun(th) # leaves lme4's state at the optimum
  crit0 <- if (reml) REMLcrit(m0) else deviance(m0)
  check(fval <= crit0 + 1e-14 * abs(fval), sprintf("tight criterion not above lme4's default (%.3g)", fval - crit0))
  mm <- mkMerMod(environment(devfun), list(par = th, fval = fval, conv = 0), lf$reTrms, fr = lf$fr)
  list(m0 = m0, mm = mm, th0 = th0, th = th, fval = fval, crit0 = crit0, cpu0 = cpu(tm0),
       elapsed0 = unname(tm0[["elapsed"]]), slope = slope)
}

make_lmer_fixture <- function(name, reml) {
  current_fixture <<- name
  d <- get_data("sleepstudy")
  t <- lmer_tight(f_sleep, d, reml)
  mm <- t$mm; m0 <- t$m0
  gname <- "Subject"
  re <- ranef(mm)[[gname]][, 1]
  check(abs(sum(re)) < 1e-9, sprintf("lmer's BLUPs sum to zero (%.3g)", sum(re)))
  crit_key <- if (reml) "reml_crit" else "deviance"
  e <- list(
    fixef_names = I(names(fixef(mm))),
    fixef = I(unname(fixef(mm))),
    fixef_named = as.list(fixef(mm)),
    sigma = sigma(mm),
    sigma_b = t$th * sigma(mm),
    theta = t$th,
    group_labels = I(levels(d[[gname]])),
    ranef = I(re),
    ranef_sum = sum(re),
    reml = reml,
    loglik = as.numeric(logLik(mm)),
    singular = isSingular(mm)
  )
  e[[crit_key]] <- t$fval
  e$lme4_default <- list(
    fixef = I(unname(fixef(m0))),
    sigma = sigma(m0),
    sigma_b = t$th0 * sigma(m0),
    theta = t$th0,
    loglik_reported = as.numeric(logLik(m0)),
    cpu_seconds = round(t$cpu0, 3),
    elapsed_seconds = round(t$elapsed0, 3)
  )
  e$lme4_default[[crit_key]] <- t$crit0
  fixture <- c(list(
    name = name,
    description = sprintf("lme4's sleepstudy, Gaussian: lmer %s, the tight optimum of lme4's profiled criterion.",
                          if (reml) "REML (lme4's default)" else "ML (REML = FALSE)"),
    data = data_block("sleepstudy", d, nlevels(d[[gname]])),
    model = list(formula = fdeparse(f_sleep), family = "gaussian", link = "identity", reml = reml),
    expected = e,
    checks = list(default_minus_tight_criterion = t$crit0 - t$fval,
                  default_abs_dev_theta = abs(t$th0 - t$th),
                  criterion_slope_at_optimum = t$slope,
                  loglik_is_minus_half_criterion = as.numeric(logLik(mm)) + t$fval / 2)
  ), versions())
  write_real_fixture(name, fixture)
  message(sprintf("%-30s %s %.10f  sigma %.8f  sigma_b %.8f  (lme4 default %.3g above)", name, crit_key, t$fval,
                  sigma(mm), t$th * sigma(mm), t$crit0 - t$fval))
}

lm_block <- function(m) {
  cf <- coef(m)
  check(!anyNA(cf), "lm: no aliased coefficient")
  list(coef_names = I(names(cf)), coef = I(unname(cf)), coef_named = as.list(cf), sigma = sigma(m),
       rss = sum(residuals(m)^2), df_residual = m$df.residual, loglik = as.numeric(logLik(m)))
}

make_lm_fixture <- function(name) {
  current_fixture <<- name
  d <- get_data("sleepstudy")
  pooled <- lm(Reaction ~ Days, d)
  per <- lm(Reaction ~ Days + Subject, d)
  fixture <- c(list(
    name = name,
    description = "lme4's sleepstudy, Gaussian: lm without the random term, pooled and with Subject as a factor.",
    data = data_block("sleepstudy", d, nlevels(d$Subject)),
    model = list(formula_pooled = "Reaction ~ Days", formula_group = "Reaction ~ Days + Subject",
                 family = "gaussian", link = "identity"),
    expected = list(lm_pooled = lm_block(pooled), lm_group = lm_block(per))
  ), versions())
  write_real_fixture(name, fixture)
  message(sprintf("%-30s pooled loglik %.10f  per-group loglik %.10f", name, as.numeric(logLik(pooled)),
                  as.numeric(logLik(per))))
}

## ---------------------------------------------------------------------------------------------------
## The jobs
## ---------------------------------------------------------------------------------------------------
glm_families <- list(
  list("cbpp", "logit", "cbpp", f_cbpp, binomial("logit"), "lme4's cbpp: binomial with trials"),
  list("grouseticks", "log", "grouseticks", f_grouse, poisson("log"), "lme4's grouseticks: Poisson counts"),
  list("verbagg", "logit", "VerbAgg", f_verb, binomial("logit"), "lme4's VerbAgg: 0/1 outcome r2"),
  list("verbagg", "probit", "VerbAgg", f_verb, binomial("probit"), "lme4's VerbAgg: 0/1 outcome r2"),
  list("verbagg", "cloglog", "VerbAgg", f_verb, binomial("cloglog"), "lme4's VerbAgg: 0/1 outcome r2"),
  list("answer_seed1", "probit", "answer_seed1", f_answer, binomial("probit"), "The answer's data (set.seed(1))"),
  list("answer_seed1", "cloglog", "answer_seed1", f_answer, binomial("cloglog"), "The answer's data (set.seed(1))")
)
for (f in glm_families) local({
  f <- f
  nm <- sprintf("%s_%s_glm", f[[1]], f[[2]])
  add_job(nm, function() make_glm_fixture(
    nm, sprintf("%s, %s link, without the random term: the pooled and the per-group GLM.", f[[6]], f[[2]]),
    f[[3]], f[[4]], f[[5]]))
})
## VerbAgg's three links take 2-8 min each (7,584 rows x 100 nodes per evaluation; 135 s and 460 s for logit
## and probit on 2 shared cores), the rest seconds. The VerbAgg _glm fixtures take minutes each (glm.fit on
## 322 columns), the rest under 2 s.
for (f in glm_families) local({
  f <- f
  nm <- sprintf("%s_%s_marginal", f[[1]], f[[2]])
  add_job(nm, function() make_marginal_fixture(
    nm, sprintf("%s, %s link: the maximum of the exact marginal likelihood and E[b_g | y] there.", f[[6]], f[[2]]),
    f[[3]], f[[4]], f[[5]], sprintf("%s_%s_nagq25", f[[1]], f[[2]])))
})
add_job("sleepstudy_lm", function() make_lm_fixture("sleepstudy_lm"))
add_job("sleepstudy_lmer_reml", function() make_lmer_fixture("sleepstudy_lmer_reml", TRUE))
add_job("sleepstudy_lmer_ml", function() make_lmer_fixture("sleepstudy_lmer_ml", FALSE))
