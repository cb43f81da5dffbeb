#!/usr/bin/env Rscript
## Reference fixtures for tests/lme4_fixtures.rs.
##
## Run from anywhere:  Rscript tests/reference/make_fixtures.R
## Writes tests/fixtures/<name>.json (one file per configuration, see `configs` below).
##
## Every "expected" number is what R (lm, glm, lmer, glmer, integrate, optim) gives, and for the mixed
## models it is the TRUE optimum of lme4's own objective: lme4's default fit stops early (relative
## gradient ~1e-5), so we take lme4's deviance function (devFunOnly = TRUE) and re-optimise it tightly
## from lme4's default answer. The default fits are kept under "lme4_default" (and glmmTMB's Laplace fit
## under "glmmTMB") so the Rust test can check that our log-likelihood is never worse than either.
## Numerical self-checks (mode vs lme4's ranef, AGQ vs integrate(), nAGQ=50 vs 100, ...) are stored
## under "checks" in each file and the script stops if one fails.

suppressPackageStartupMessages({
  library(lme4)
  library(glmmTMB)
  library(jsonlite)
  library(minqa)
  library(numDeriv)
})

## ---------------------------------------------------------------------------------------------------
## Where to write
## ---------------------------------------------------------------------------------------------------
script_path <- local({
  a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a)) normalizePath(sub("^--file=", "", a[1])) else normalizePath("tests/reference/make_fixtures.R")
})
crate_root <- normalizePath(file.path(dirname(script_path), "..", ".."))
out_dir <- file.path(crate_root, "tests", "fixtures")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

## Stop on a failed self-check with a message naming the fixture.
current_fixture <- ""
check <- function(ok, what) {
  if (!isTRUE(ok)) stop(sprintf("[%s] self-check failed: %s", current_fixture, what), call. = FALSE)
  invisible(TRUE)
}

## ---------------------------------------------------------------------------------------------------
## JSON with doubles that round-trip exactly (jsonlite's digits = NA stops at 15 significant digits)
## ---------------------------------------------------------------------------------------------------
## Shortest of %.15g / %.16g / %.17g that reads back as the same double.
num_json <- function(v) {
  if (!is.finite(v)) stop(sprintf("[%s] non-finite number in fixture", current_fixture), call. = FALSE)
  for (k in 15:17) {
    s <- sprintf(paste0("%.", k, "g"), v)
    if (as.numeric(s) == v) return(s)
  }
  s
}
scalar_json <- function(v) {
  if (is.logical(v)) return(if (isTRUE(v)) "true" else "false")
  if (is.character(v)) return(as.character(jsonlite::toJSON(v, auto_unbox = TRUE)))
  num_json(as.numeric(v))
}
## Named list -> object; unnamed list, vector wrapped in I() or of length != 1 -> array; else scalar.
to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent + 1)
  end <- strrep("  ", indent)
  if (is.list(x) && !is.null(names(x))) {
    if (!length(x)) return("{}")
    items <- vapply(names(x), function(k)
      paste0(pad, scalar_json(k), ": ", to_json(x[[k]], indent + 1)), "")
    return(paste0("{\n", paste(items, collapse = ",\n"), "\n", end, "}"))
  }
  if (is.list(x)) {
    items <- vapply(x, function(e) paste0(pad, to_json(e, indent + 1)), "")
    return(if (length(items)) paste0("[\n", paste(items, collapse = ",\n"), "\n", end, "]") else "[]")
  }
  if (inherits(x, "AsIs") || length(x) != 1) {
    x <- unclass(x)
    return(paste0("[", paste(vapply(seq_along(x), function(i) scalar_json(x[[i]]), ""), collapse = ", "), "]"))
  }
  scalar_json(x)
}

## ---------------------------------------------------------------------------------------------------
## Data: must match glmm_demo::data::simulate bit for bit
## ---------------------------------------------------------------------------------------------------
simulate_data <- function(cfg) {
  G <- cfg$groups
  n <- cfg$n
  t <- cfg$thresholds
  stopifnot(length(t) == G)
  set.seed(cfg$seed)
  group <- rep(1:G, each = n)
  y <- runif(G * n)
  y_bin <- y > t[group]
  x <- cfg$y_coef * y + rnorm(G * n) + cfg$spacing * group
  if (cfg$center) x <- x - mean(x)
  data.frame(y = y, y_bin = as.numeric(y_bin), x = x, group = factor(group))
}

data_summary <- function(d) {
  list(
    n_obs = nrow(d),
    groups = nlevels(d$group),
    group_labels = I(levels(d$group)),
    sum_ybin = sum(d$y_bin),
    head_x = I(head(d$x, 5)),
    head_y = I(head(d$y, 5))
  )
}

## Labels of groups whose outcomes are all equal (complete separation of that group's coefficient).
separated_groups <- function(d) {
  s <- tapply(d$y_bin, d$group, function(v) all(v == v[1]))
  names(s)[s]
}

## ---------------------------------------------------------------------------------------------------
## lm, glm
## ---------------------------------------------------------------------------------------------------
lm_fit <- function(formula, d) {
  m <- lm(formula, d)
  list(
    coef = I(unname(coef(m))),
    coef_names = I(names(coef(m))),
    sigma = sigma(m),
    loglik = as.numeric(logLik(m))
  )
}

glm_fit <- function(formula, d) {
  m <- suppressWarnings(glm(formula, binomial, d, control = glm.control(epsilon = 1e-14, maxit = 100)))
  check(m$converged, "glm converged")
  list(
    coef = I(unname(coef(m))),
    coef_names = I(names(coef(m))),
    loglik = as.numeric(logLik(m)),
    deviance = deviance(m)
  )
}

## ---------------------------------------------------------------------------------------------------
## lmer, REML, at the true optimum of lme4's profiled REML criterion
## ---------------------------------------------------------------------------------------------------
lmm_fit <- function(d) {
  m0 <- lmer(y ~ x + (1 | group), d, REML = TRUE)
  th0 <- getME(m0, "theta")[[1]]
  lf <- lFormula(y ~ x + (1 | group), d, REML = TRUE)
  devfun <- do.call(mkLmerDevfun, lf)
  upper <- max(10, 100 * th0)
  o <- optimize(devfun, c(0, upper), tol = 1e-12)
  th <- o$minimum
  ## polish: Newton on Richardson derivatives (absolute steps 1e-3 / 2^k) while the slope shrinks;
  ## optimize() alone stops ~1e-7 short in theta
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
  ## boundary optimum (singular fit): optimize() stops ~1e-8 above 0, where the criterion is flat
  if (th < 1e-4 && devfun(0) <= devfun(th) + 1e-10) th <- 0
  fval <- devfun(th) # leaves lme4's state at the optimum
  check(fval <= REMLcrit(m0) + 1e-14 * abs(fval), sprintf("tight REML criterion not above lme4's default (%.3g)",
                                                     fval - REMLcrit(m0)))
  mm <- mkMerMod(environment(devfun), list(par = th, fval = fval, conv = 0), lf$reTrms, fr = lf$fr)
  re <- ranef(mm)$group[, 1]
  check(abs(REMLcrit(mm) - fval) < 1e-12, "REMLcrit of rebuilt model")
  list(
    expected = list(
      fixef = I(unname(fixef(mm))),
      sigma = sigma(mm),
      sigma_b = th * sigma(mm),
      theta = th,
      ranef = I(re),
      ranef_sum = sum(re),
      reml = TRUE,
      reml_crit = fval,
      loglik = as.numeric(logLik(mm)),
      singular = isSingular(mm),
      lme4_default = list(
        fixef = I(unname(fixef(m0))),
        theta = th0,
        reml_crit = REMLcrit(m0)
      )
    ),
    checks = list(
      default_minus_tight_reml_crit = REMLcrit(m0) - fval,
      default_max_abs_dev = max(abs(c(fixef(m0) - fixef(mm), th0 - th)))
    )
  )
}

## ---------------------------------------------------------------------------------------------------
## Posterior of one group's random intercept, exactly (integrate), at given (beta, sigma_b)
## ---------------------------------------------------------------------------------------------------
log1pexp <- function(e) ifelse(e > 0, e + log1p(exp(-e)), log1p(exp(e)))

## Returns mode, mean and log of the marginal likelihood of one group:
## log ∫ prod_i Bernoulli(y_i | logistic(eta_i + b)) dnorm(b, 0, sigma) db.
group_posterior <- function(eta, yb, sigma, start) {
  if (sigma == 0) {
    return(list(mode = 0, mean = 0, logmarg = sum(yb * eta - log1pexp(eta))))
  }
  lp <- function(b) {
    e <- outer(eta, b, "+")
    colSums(yb * e - log1pexp(e)) + dnorm(b, 0, sigma, log = TRUE)
  }
  d1 <- function(b) sum(yb - plogis(eta + b)) - b / sigma^2
  d2 <- function(b) { p <- plogis(eta + b); -sum(p * (1 - p)) - 1 / sigma^2 }
  b <- start
  for (it in 1:200) {
    step <- max(-2, min(2, -d1(b) / d2(b))) # the log posterior is concave; damp only wild first steps
    b <- b + step
    if (abs(step) < 1e-15 * max(1, abs(b))) break
  }
  s <- 1 / sqrt(-d2(b))
  l0 <- lp(b)
  f <- function(t) exp(lp(t) - l0)
  g <- function(t) (t - b) * exp(lp(t) - l0)
  cuts <- list(c(-Inf, b - 30 * s), c(b - 30 * s, b), c(b, b + 30 * s), c(b + 30 * s, Inf))
  integ <- function(h) sum(vapply(cuts, function(ab)
    integrate(h, ab[1], ab[2], rel.tol = 1e-12, abs.tol = 1e-300, subdivisions = 1000L)$value, 0))
  Z <- integ(f)
  M1 <- integ(g)
  list(mode = b, mean = b + M1 / Z, logmarg = l0 + log(Z))
}

posteriors <- function(d, beta, sigma, start) {
  eta <- beta[1] + beta[2] * d$x
  lv <- levels(d$group)
  res <- lapply(seq_along(lv), function(k) {
    i <- d$group == lv[k]
    group_posterior(eta[i], d$y_bin[i], sigma, start[k])
  })
  list(
    mode = vapply(res, `[[`, 0, "mode"),
    mean = vapply(res, `[[`, 0, "mean"),
    loglik = sum(vapply(res, `[[`, 0, "logmarg"))
  )
}

## The exact marginal's conditional modes and means (integrate()) at its maximum p = (sigma, alpha, beta):
## the means sum to zero there (sum E[b_g | y] = sigma^2 * d logL / d alpha), the modes need not.
marginal_exact_posteriors <- function(d, p) {
  post <- posteriors(d, p[-1], abs(p[1]), rep(0, nlevels(d$group)))
  check(abs(sum(post$mean)) < 1e-6 * max(1, p[1]^2),
        sprintf("exact conditional means sum to ~0 at the exact maximum (%.3g)", sum(post$mean)))
  list(ranef = I(post$mode), ranef_sum = sum(post$mode),
       cond_means = I(post$mean), cond_means_sum = sum(post$mean))
}

## Add only the keys of marginal_exact_posteriors() to expected.marginal_exact of an existing fixture, at its
## stored maximum, leaving every other byte of the file as it is (`--add-marginal-posteriors [names]`).
add_marginal_posteriors <- function(path) {
  current_fixture <<- basename(path)
  fx <- fromJSON(path, simplifyVector = TRUE)
  cfg <- fx$config
  d <- simulate_data(cfg)
  me <- fx$expected$marginal_exact
  if (!is.null(me$cond_means)) return(invisible(FALSE))
  extra <- marginal_exact_posteriors(d, c(me$sigma, me$alpha, me$beta))
  lines <- readLines(path)
  start <- grep('^    "marginal_exact": \\{$', lines)[1]
  stopifnot(!is.na(start), grepl('^      "loglik": ', lines[start + 4]), lines[start + 5] == "    }")
  add <- vapply(names(extra), function(k) paste0("      ", scalar_json(k), ": ", to_json(extra[[k]], 3)), "")
  lines[start + 4] <- paste0(lines[start + 4], ",")
  lines <- append(lines, paste(add, collapse = ",\n"), after = start + 4)
  writeLines(unlist(strsplit(paste(lines, collapse = "\n"), "\n", fixed = TRUE)), path)
  message(sprintf("%-24s marginal_exact: sum of cond_means %.3g, of modes %.6f", basename(path),
                  extra$cond_means_sum, extra$ranef_sum))
  invisible(TRUE)
}

## ---------------------------------------------------------------------------------------------------
## glmer at the true optimum of lme4's objective (Laplace for K = 1, adaptive Gauss-Hermite for K > 1)
## ---------------------------------------------------------------------------------------------------
## lme4's objective is -2 log L, L the adaptive Gauss-Hermite approximation (K = 1: Laplace) built at each
## group's conditional mode u (found by PIRLS). lme4 stops PIRLS when the relative change of the
## penalised deviance is below tolPwrss and returns the log-determinant from the start of that last
## PIRLS iteration, i.e. one step short of the mode. The objective it reports is therefore off by the
## size of that last step: on answer_seed1, Laplace, -2.6e-7 in log L at tolPwrss 1e-7 ... 1e-13, 0 at
## 1e-14, but on answer_seed2 still 1.3e-7 at 1e-14 (and at 1e-14 PIRLS sometimes cannot finish:
## "PIRLS step-halvings failed"). As a function of the
## parameters it is also rough at that scale, so no optimiser can be tight on it.
##
## So we minimise `agq_deviance`, the same formula evaluated at the exact mode (Newton to machine
## precision, lme4's GHrule nodes), i.e. lme4's objective in the limit tolPwrss -> 0, and record how far
## lme4's own devfun (tolPwrss = 1e-14) is from it at the optimum (checks: < 1e-5, typically 0 to 1e-6;
## the exact-mode formula itself is checked to 1e-9 against integrate() and glmmTMB). lme4's conditional modes are
## read from environment(devfun)$pp$b(1) after that evaluation (checked against ranef() of the
## rebuilt merMod and against the exact modes).
glmer_devfun <- function(d, K, tol = 1e-14) {
  glmer(y_bin ~ x + (1 | group), d, binomial, nAGQ = K, devFunOnly = TRUE,
        control = glmerControl(tolPwrss = tol))
}

## -2 log L by adaptive Gauss-Hermite quadrature with lme4's nodes (GHrule(K)), each group centred at its
## exact conditional mode and scaled by the curvature there; K = 1 is the Laplace approximation.
agq_deviance <- function(d, theta, beta, K) {
  theta <- abs(theta) # the objective is even in theta
  gh <- GHrule(K)
  z <- gh[, "z"]; lw <- log(gh[, "w"])
  eta <- beta[1] + beta[2] * d$x
  total <- 0
  for (g in levels(d$group)) {
    i <- d$group == g
    e <- eta[i]; yb <- d$y_bin[i]
    if (theta == 0) { total <- total + sum(yb * e - log1pexp(e)); next }
    b <- 0
    for (it in 1:200) {
      p <- plogis(e + b)
      step <- (sum(yb - p) - b / theta^2) / (sum(p * (1 - p)) + 1 / theta^2)
      b <- b + step
      if (abs(step) < 1e-15 * max(1, abs(b))) break
    }
    p <- plogis(e + b)
    s <- 1 / sqrt(sum(p * (1 - p)) + 1 / theta^2)
    bk <- b + s * z
    ek <- outer(e, bk, "+")
    lk <- colSums(yb * ek - log1pexp(ek)) + dnorm(bk, 0, theta, log = TRUE) - dnorm(z, log = TRUE) + lw
    m <- max(lk)
    total <- total + log(s) + m + log(sum(exp(lk - m)))
  }
  -2 * total
}

## Minimise f over c(theta >= 0, beta) from p0: bobyqa, then BFGS rounds (f is even in theta), then
## Newton steps with Richardson derivatives while they shrink the gradient.
tight_minimise <- function(f, p0) {
  o <- bobyqa(p0, f, lower = c(0, rep(-Inf, length(p0) - 1)),
              control = list(rhobeg = 1e-3, rhoend = 1e-12, maxfun = 1e5))
  p <- o$par; fv <- o$fval
  for (round in 1:20) {
    b <- optim(p, f, method = "BFGS",
               control = list(reltol = 1e-15, ndeps = rep(1e-6, length(p)), maxit = 10000))
    b$par[1] <- abs(b$par[1])
    improved <- b$value < fv - 1e-12
    if (b$value <= fv) { p <- b$par; fv <- b$value }
    if (!improved) break
  }
  ## a boundary optimum (theta -> 0) lands at 1e-8-ish: snap it to 0 when that is no worse
  if (p[1] < 1e-4) {
    fb <- function(q) f(c(0, q))
    b <- optim(p[-1], fb, method = "BFGS", control = list(reltol = 1e-15, ndeps = rep(1e-6, length(p) - 1)))
    if (b$value <= fv + 1e-12) { p <- c(0, b$par); fv <- b$value }
  }
  free <- if (p[1] > 0) seq_along(p) else -1
  fs <- function(q) { pp <- p; pp[free] <- q; f(pp) }
  ## Richardson derivatives with absolute steps 1e-3 / 2^k: f is smooth but only accurate to ~1 ulp
  ## (2e-13 at 1e3), and numDeriv's default relative step (1e-4 |x|) is too small for a small theta.
  gradf <- function(q) numDeriv::grad(function(t) fs(q + t - 1), rep(1, length(q)),
                                      method.args = list(d = 1e-3, r = 4))
  hessf <- function(q) numDeriv::hessian(function(t) fs(q + t - 1), rep(1, length(q)),
                                         method.args = list(d = 1e-3, r = 4))
  g <- gradf(p[free])
  for (it in 1:8) {
    qn <- p[free] - solve(hessf(p[free]), g)
    if (free[1] == 1 && qn[1] <= 0) break
    fn <- fs(qn)
    gn <- gradf(qn)
    if (fn <= fv + 1e-11 && max(abs(gn)) < max(abs(g))) {
      p[free] <- qn; fv <- min(fv, fn); g <- gn
    } else break
  }
  fv <- f(p)
  ## remaining error estimate: the Newton step H^-1 g (theta held at 0 for a boundary optimum)
  step <- solve(hessf(p[free]), g)
  list(par = p, fval = fv, grad = g, newton_step = step)
}

glmm_fit <- function(d, K, with_tmb) {
  m0 <- suppressWarnings(suppressMessages(glmer(y_bin ~ x + (1 | group), d, binomial, nAGQ = K)))
  default_warn <- paste(c(m0@optinfo$warnings, unlist(m0@optinfo$conv$lme4$messages)), collapse = "; ")
  p0 <- c(getME(m0, "theta")[[1]], unname(fixef(m0)))
  obj <- function(p) agq_deviance(d, p[1], p[-1], K)
  o <- tight_minimise(obj, p0)
  fval <- o$fval
  theta <- o$par[1]
  beta <- o$par[-1]
  check(fval <= obj(p0) + 1e-12, "tight objective not above lme4's default")
  check(max(abs(o$newton_step)) < 1e-8, sprintf("optimum to 1e-8 (Newton step %.3g)", max(abs(o$newton_step))))
  ## lme4's own objective at the optimum, PIRLS converged as far as it goes
  lme4_fval <- NA
  for (tol in c(1e-14, 1e-13, 1e-12)) {
    devfun <- glmer_devfun(d, K, tol)
    lme4_fval <- tryCatch(devfun(o$par), error = function(e) NA)
    if (!is.na(lme4_fval)) break
  }
  check(!is.na(lme4_fval), "lme4's devfun evaluates at the optimum")
  lme4_tol <- tol
  ## lme4's value is off by its last PIRLS step (up to ~1e-6); the exact-mode formula is checked to
  ## 1e-9 against integrate() (marginal_exact) and never below glmmTMB's Laplace value.
  check(abs(lme4_fval - fval) < 1e-5,
        sprintf("lme4 objective (tolPwrss %g) = exact-mode AGQ(%d) (%.3g)", tol, K, lme4_fval - fval))
  b_env <- environment(devfun)$pp$b(1)
  glf <- glFormula(y_bin ~ x + (1 | group), d, binomial)
  mm <- mkMerMod(environment(devfun), list(par = o$par, fval = fval, conv = 0), glf$reTrms, fr = glf$fr)
  re <- ranef(mm)$group[, 1]
  check(max(abs(re - b_env)) == 0, "ranef() equals pp$b(1)")
  check(max(abs(fixef(mm) - beta)) == 0, "fixef of rebuilt model")
  post <- posteriors(d, beta, theta, re)
  mode_dev <- max(abs(post$mode - re))
  check(mode_dev < 1e-7, sprintf("lme4's conditional modes = exact modes (%.3g)", mode_dev))
  default_ll <- as.numeric(logLik(m0))
  ## lme4's reported log-likelihood carries its PIRLS error (see above) and can exceed the true optimum
  ## (separated_group2: by 9.5e-6); the same objective at lme4's parameters cannot.
  default_ll_exact <- -obj(p0) / 2
  check(-fval / 2 >= default_ll_exact - 1e-12,
        sprintf("tight loglik >= exact loglik at lme4's default (%.3g)", -fval / 2 - default_ll_exact))
  e <- list(
    fixef = I(beta),
    sigma_b = theta,
    ranef = I(re),
    ranef_sum = sum(re),
    cond_means = I(post$mean),
    cond_means_sum = sum(post$mean),
    loglik = -fval / 2,
    deviance = fval,
    nagq = K,
    singular = isSingular(mm), # theta < 1e-4
    lme4_default = list(
      fixef = I(unname(fixef(m0))),
      theta = p0[1],
      loglik = default_ll,
      loglik_exact = default_ll_exact
    )
  )
  checks <- list(
    default_abs_dev = I(abs(p0 - o$par)),
    default_minus_tight_loglik = default_ll - (-fval / 2),
    default_loglik_reported_minus_exact = default_ll - default_ll_exact,
    default_warnings = default_warn,
    gradient_at_optimum = I(o$grad),
    newton_step_at_optimum = I(o$newton_step),
    lme4_devfun_minus_exact_mode_deviance = lme4_fval - fval,
    lme4_devfun_tolPwrss = lme4_tol,
    ranef_vs_exact_modes = mode_dev,
    integrate_loglik_at_optimum = post$loglik
  )
  if (with_tmb) {
    tmb_warn <- character(0)
    tm <- withCallingHandlers(
      glmmTMB(y_bin ~ x + (1 | group), d, family = binomial,
              control = glmmTMBControl(optCtrl = list(iter.max = 1e5, eval.max = 1e5,
                                                      rel.tol = 1e-14, x.tol = 1e-12))),
      warning = function(w) { tmb_warn <<- c(tmb_warn, conditionMessage(w)); invokeRestart("muffleWarning") })
    tmb_ll <- as.numeric(logLik(tm))
    e$glmmTMB <- list(
      fixef = I(unname(fixef(tm)$cond)),
      sigma_b = unname(attr(VarCorr(tm)$cond$group, "stddev")),
      loglik = tmb_ll
    )
    e$glmmTMB$loglik_exact <- -obj(c(e$glmmTMB$sigma_b, e$glmmTMB$fixef)) / 2
    check(-fval / 2 >= tmb_ll - 1e-9, sprintf("tight Laplace loglik %.15g >= glmmTMB %.15g", -fval / 2, tmb_ll))
    check(-fval / 2 >= e$glmmTMB$loglik_exact - 1e-12, "tight Laplace loglik >= exact loglik at glmmTMB's fit")
    checks$glmmTMB_minus_tight_loglik <- tmb_ll - (-fval / 2)
    checks$glmmTMB_warnings <- paste(tmb_warn, collapse = "; ")
    checks$glmmTMB_abs_dev <- I(abs(c(e$glmmTMB$sigma_b, e$glmmTMB$fixef) - o$par))
  }
  list(expected = e, checks = checks, par = o$par, fval = fval)
}

## ---------------------------------------------------------------------------------------------------
## The answer's opt1: the joint mode of (alpha, beta, sigma, z_1..z_G)
## ---------------------------------------------------------------------------------------------------
joint_mode_fit <- function(d) {
  G <- nlevels(d$group)
  gi <- as.integer(d$group)
  yb <- d$y_bin
  x <- d$x
  logdens <- function(a, b, s, z) {
    eta <- a + b * x + z[gi]
    sum(yb * eta - log1pexp(eta)) + sum(dnorm(z, 0, s, log = TRUE))
  }
  ## as in the answer: minimise -log density, L-BFGS-B from (0, 0, 1, 0, ...), sigma >= 0.01, factr = 4
  nll <- function(p) -logdens(p[1], p[2], p[3], p[-(1:3)])
  o1 <- optim(c(0, 0, 1, rep(0, G)), nll, method = "L-BFGS-B",
              lower = c(-Inf, -Inf, 0.01, rep(-Inf, G)), control = list(factr = 4, maxit = 10000))
  ## polish on (alpha, beta, log sigma, z) with the analytic gradient
  nll2 <- function(q) -logdens(q[1], q[2], exp(q[3]), q[-(1:3)])
  gr2 <- function(q) {
    s <- exp(q[3]); z <- q[-(1:3)]
    r <- yb - plogis(q[1] + q[2] * x + z[gi])
    -c(sum(r), sum(r * x), -G + sum(z^2) / s^2, as.vector(tapply(r, gi, sum)) - z / s^2)
  }
  q <- c(o1$par[1:2], log(o1$par[3]), o1$par[-(1:3)])
  ## When the groups barely differ the joint density grows without bound as sigma -> 0, and L-BFGS-B
  ## stops on the bound: then the answer's opt1 is the maximum with sigma = 0.01 held fixed.
  at_bound <- o1$par[3] <= 0.01 + 1e-6
  free <- if (at_bound) -3 else seq_along(q)
  if (at_bound) q[3] <- log(0.01)
  fsub <- function(r) { qq <- q; qq[free] <- r; nll2(qq) }
  gsub <- function(r) { qq <- q; qq[free] <- r; gr2(qq)[free] }
  fq <- nll2(q)
  for (round in 1:20) {
    b <- optim(q[free], fsub, gsub, method = "BFGS", control = list(reltol = 1e-15, maxit = 10000))
    improved <- b$value < fq - 1e-12
    if (b$value <= fq) { q[free] <- b$par; fq <- b$value }
    if (!improved) break
  }
  ## Newton with the numerical Jacobian of the analytic gradient
  for (it in 1:8) {
    H <- numDeriv::jacobian(gsub, q[free])
    rn <- q[free] - solve(H, gsub(q[free]))
    if (fsub(rn) <= fq + 1e-11 && max(abs(gsub(rn))) < max(abs(gsub(q[free])))) {
      q[free] <- rn; fq <- fsub(rn)
    } else break
  }
  fq <- nll2(q)
  sigma <- exp(q[3])
  if (at_bound) { sigma <- 0.01; fq <- nll(c(q[1:2], sigma, q[-(1:3)])) }
  check(max(abs(gsub(q[free]))) < 1e-6, "joint-mode gradient ~ 0")
  hess_eig <- eigen(numDeriv::jacobian(gsub, q[free]), symmetric = TRUE, only.values = TRUE)$values
  check(min(hess_eig) > 0, "the joint mode is a local maximum (Hessian of -log density positive definite)")
  if (at_bound) {
    check(gr2(q)[3] > 0, "at sigma = 0.01 the joint density still increases as sigma decreases")
  } else {
    check(exp(q[3]) > 0.01, "polished joint mode stays off the sigma bound")
  }
  z <- q[-(1:3)]
  list(
    expected = list(
      alpha = q[1], beta = q[2], sigma = sigma,
      re = I(z), re_sum = sum(z), log_density = -fq,
      ## marker, not a FitReport key: TRUE when there is no interior mode and opt1 stops on sigma = 0.01
      ## (then an error sentence saying so is accepted in place of these numbers)
      sigma_at_bound = at_bound
    ),
    checks = list(
      lbfgsb_par = I(o1$par), lbfgsb_log_density = -o1$value,
      polished_minus_lbfgsb = -fq - (-o1$value), gradient = I(gr2(q)),
      hessian_eigenvalues_neg_log_density = I(hess_eig)
    )
  )
}

## ---------------------------------------------------------------------------------------------------
## One fixture
## ---------------------------------------------------------------------------------------------------
make_fixture <- function(name, description, cfg, nagq) {
  current_fixture <<- name
  t0 <- proc.time()[["elapsed"]]
  d <- simulate_data(cfg)
  sep <- separated_groups(d)
  checks <- list()

  expected <- list(data = data_summary(d))
  expected$lm_pooled <- lm_fit(y ~ x, d)
  expected$lm_group <- lm_fit(y ~ x + factor(group), d)
  lmm <- lmm_fit(d)
  expected$lmm <- lmm$expected
  checks$lmm <- lmm$checks
  expected$glm_pooled <- glm_fit(y_bin ~ x, d)
  if (length(sep)) {
    ## No finite maximum: the fixture is only the separated groups' labels. The Rust test accepts an
    ## error sentence naming each of them, or a fit whose coefficient for each is huge (|coef| > 10).
    expected$glm_group <- list(separation = I(sep))
    g <- suppressWarnings(glm(y_bin ~ x + factor(group), binomial, d,
                              control = glm.control(epsilon = 1e-14, maxit = 100)))
    checks$glm_group_separated_coef <- as.list(coef(g))
  } else {
    expected$glm_group <- glm_fit(y_bin ~ x + factor(group), d)
  }

  lap <- glmm_fit(d, 1, with_tmb = TRUE)
  expected$glmm_laplace <- lap$expected
  checks$glmm_laplace <- lap$checks

  agq <- glmm_fit(d, nagq, with_tmb = FALSE)
  expected$glmm_agq <- agq$expected
  checks$glmm_agq <- agq$checks

  jm <- joint_mode_fit(d)
  expected$joint_mode <- jm$expected
  checks$joint_mode <- jm$checks

  ## Exact marginal likelihood: lme4's nAGQ = 100 objective at its tight optimum, provided nAGQ = 50 and
  ## integrate() agree with it there to 1e-9. Where they do not (a group whose outcomes are all equal
  ## has a skewed, nearly half-normal posterior on which Gauss-Hermite converges slowly), the integrate()
  ## log-likelihood itself is maximised, from the nAGQ = 100 optimum.
  m100 <- if (nagq == 100) agq else glmm_fit(d, 100, with_tmb = FALSE)
  p <- m100$par
  ll100 <- -m100$fval / 2
  ll50 <- -agq_deviance(d, p[1], p[-1], 50) / 2
  ll_int <- posteriors(d, p[-1], p[1], m100$expected$ranef)$loglik
  checks$marginal_exact <- list(at_nagq100_optimum = list(loglik_nagq50_minus_100 = ll50 - ll100,
                                                          loglik_integrate_minus_100 = ll_int - ll100))
  if (abs(ll100 - ll50) < 1e-9 && abs(ll100 - ll_int) < 1e-9) {
    checks$marginal_exact$method <- "lme4 nAGQ = 100 objective, tight optimum"
    ll_exact <- ll100
  } else {
    int_dev <- function(q) -2 * posteriors(d, q[-1], abs(q[1]), rep(0, nlevels(d$group)))$loglik
    o <- tight_minimise(int_dev, p)
    check(max(abs(o$newton_step)) < 1e-7, sprintf("integrate() optimum to 1e-7 (Newton step %.3g)",
                                                  max(abs(o$newton_step))))
    checks$marginal_exact$method <- "integrate() log-likelihood (rel.tol 1e-12), tight optimum"
    checks$marginal_exact$newton_step_at_optimum <- I(o$newton_step)
    checks$marginal_exact$nagq100_optimum_abs_dev <- I(abs(o$par - p))
    checks$marginal_exact$loglik_minus_nagq100_optimum <- -o$fval / 2 - ll100
    p <- o$par
    ll_exact <- -o$fval / 2
  }
  expected$marginal_exact <- c(list(alpha = p[2], beta = p[3], sigma = p[1], loglik = ll_exact),
                               marginal_exact_posteriors(d, p))

  config <- c(cfg, list(nagq = nagq))
  config$thresholds <- I(config$thresholds)
  fixture <- list(
    name = name,
    description = description,
    config = config,
    expected = expected,
    checks = checks,
    r_version = R.version.string,
    lme4_version = as.character(packageVersion("lme4")),
    glmmTMB_version = as.character(packageVersion("glmmTMB"))
  )
  json <- to_json(fixture)
  ## doubles must round-trip exactly
  back <- fromJSON(json, simplifyVector = TRUE)
  check(all(back$expected$data$head_x == as.numeric(expected$data$head_x)), "head_x round-trips")
  check(all(back$expected$glmm_agq$cond_means == as.numeric(expected$glmm_agq$cond_means)),
        "doubles round-trip")
  path <- file.path(out_dir, paste0(name, ".json"))
  writeLines(json, path)
  message(sprintf("%-24s %5.1fs  glmm_agq(K=%d) loglik %.12f  lme4 default off by %.2g (loglik %.2g)",
              name, proc.time()[["elapsed"]] - t0, nagq, expected$glmm_agq$loglik,
              max(agq$checks$default_abs_dev), agq$checks$default_minus_tight_loglik))
  invisible(fixture)
}

## ---------------------------------------------------------------------------------------------------
## Configurations
## ---------------------------------------------------------------------------------------------------
answer_cfg <- function(seed, groups = 2, n = 200,
                       thresholds = seq(0.5, 0.1, length.out = groups), preset = "answer") {
  list(preset = preset, seed = seed, groups = groups, n = n, thresholds = thresholds,
       y_coef = 0.5, spacing = 2, center = TRUE)
}
question_cfg <- function(seed) {
  list(preset = "question", seed = seed, groups = 5, n = 200, thresholds = rep(0.5, 5),
       y_coef = 1, spacing = 1, center = FALSE)
}
## Groups exchangeable (no spacing, equal thresholds): both lmer and glmer fits are singular (theta = 0).
## Seed 8 of seeds 1..30: lmer, glmer nAGQ 1 and nAGQ 25 all singular, and clearly so (the objective at
## theta = 0.1 is above its value at 0 by 2.4 (REML), 0.82 (Laplace), 0.82 (AGQ)). The joint density
## has no interior mode here: its opt1 is on the bound sigma = 0.01.
singular_cfg <- list(preset = "custom", seed = 8, groups = 5, n = 100, thresholds = rep(0.5, 5),
                     y_coef = 1, spacing = 0, center = FALSE)

configs <- list(
  list("answer_seed1", "The answer's example exactly (set.seed(1)), nAGQ = 100 as in the answer.",
       answer_cfg(1), 100),
  list("answer_seed2", "Answer preset, seed 2.", answer_cfg(2), 25),
  list("answer_seed3", "Answer preset, seed 3.", answer_cfg(3), 25),
  list("question_seed1", "The question's example (G = 5, thresholds 0.5, x not centred), seed 1.",
       question_cfg(1), 25),
  list("question_seed2", "Question preset, seed 2.", question_cfg(2), 25),
  list("custom_g3_n100", "Answer-style data with 3 groups of 100, thresholds seq(0.5, 0.1).",
       answer_cfg(1, groups = 3, n = 100, preset = "custom"), 25),
  list("custom_g5_n100", "Answer-style data with 5 groups of 100, thresholds seq(0.5, 0.1).",
       answer_cfg(1, groups = 5, n = 100, preset = "custom"), 25),
  list("custom_g10_n100", "Answer-style data with 10 groups of 100, thresholds seq(0.5, 0.1).",
       answer_cfg(1, groups = 10, n = 100, preset = "custom"), 25),
  list("small_n20", "Answer-style data, 2 groups of only 20.",
       answer_cfg(1, n = 20, preset = "custom"), 25),
  list("large_n2000", "Answer-style data, 2 groups of 2000.",
       answer_cfg(1, n = 2000, preset = "custom"), 25),
  list("singular_g5", "Exchangeable groups (spacing 0, thresholds 0.5): lmer and glmer fits are singular.",
       singular_cfg, 25),
  list("separated_group2", "Group 2 has threshold 1, so all its outcomes are 0: its glm coefficient diverges.",
       answer_cfg(1, groups = 3, n = 100, thresholds = c(0.5, 1, 0.1), preset = "custom"), 25)
)

if (sys.nframe() == 0L && identical(commandArgs(TRUE)[1], "--add-marginal-posteriors")) {
  only <- commandArgs(TRUE)[-1]
  for (c in configs) {
    if (length(only) && !(c[[1]] %in% only)) next
    add_marginal_posteriors(file.path(out_dir, paste0(c[[1]], ".json")))
  }
} else if (sys.nframe() == 0L) {
  only <- commandArgs(TRUE)
  t_all <- proc.time()[["elapsed"]]
  for (c in configs) {
    if (length(only) && !(c[[1]] %in% only)) next
    make_fixture(c[[1]], c[[2]], c[[3]], c[[4]])
  }
  message(sprintf("done in %.1fs, fixtures in %s", proc.time()[["elapsed"]] - t_all, out_dir))
}
