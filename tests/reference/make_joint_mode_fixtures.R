#!/usr/bin/env Rscript
## Reference for the joint mode (the answer's opt1) on a few hundred random page configurations,
## read by tests/joint_mode_optim.rs.
##
## Run from anywhere:  Rscript tests/reference/make_joint_mode_fixtures.R
## Writes tests/fixtures/joint_mode/joint_mode_optim.json. Deterministic (the configurations come from
## set.seed(20261129) before any data are simulated; each data set from set.seed(its own seed)).
##
## Per configuration: the answer's opt1 exactly as the answer runs it,
##   optim(c(0, 0, 1, 0, ...), nll, method = "L-BFGS-B", lower = c(-Inf, -Inf, 0.01, -Inf, ...),
##         control = list(factr = 4))
## (minus the log density, numerical gradient, as in the answer; the log density is written with a
## stable log(1 + e^eta) so that large x does not give log(0); maxit stays at optim's 100 iterations, as in
## the answer: a run that stops there (convergence 1, the slow climbs to large sigma with many groups) is
## recorded but not clean; `lbfgsb_evaluations` counts its evaluations of the density). Then a polish: Newton's method with the exact gradient and Hessian,
## on every coordinate for an interior end, with sigma held at 0.01 for an end on the bound.
##
## Recorded: the config, the verdict (`at_bound`: L-BFGS-B's sigma within 1e-6 of 0.01), the polished
## alpha, beta, sigma, z and joint log density, whether the Hessian of the log density there is negative
## definite (on every coordinate, or on (alpha, beta, z) at the bound), the gradient's size, and for the
## bound dJ/dsigma (negative: the density still rises as sigma falls). `clean` is TRUE when the polish
## converged near L-BFGS-B's end to a stationary point of the kind the verdict says; the Rust test
## compares only clean entries.

suppressPackageStartupMessages(library(jsonlite))

script_path <- local({
  a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a)) normalizePath(sub("^--file=", "", a[1])) else normalizePath("tests/reference/make_joint_mode_fixtures.R")
})
## simulate_data (the project's recipe, bit for bit), to_json and log1pexp
source(file.path(dirname(script_path), "make_fixtures.R"))
## in a folder of its own: tests/lme4_fixtures.rs reads every tests/fixtures/*.json as one fixture
out_dir_jm <- file.path(crate_root, "tests", "fixtures", "joint_mode")
dir.create(out_dir_jm, showWarnings = FALSE)
out_path <- file.path(out_dir_jm, "joint_mode_optim.json")

SIGMA_FLOOR <- 0.01
N_CONFIGS <- as.integer(Sys.getenv("JOINT_MODE_CONFIGS", "300"))

## ---------------------------------------------------------------------------------------------------
## Random page configurations
## ---------------------------------------------------------------------------------------------------
## G in 2..50, a third G = 2, otherwise log-uniform (small G most often); n in 1..200, mostly 5..100;
## thresholds in [0, 1] with exact 0 and 1 sometimes; y_coef and spacing mostly on the sliders'
## ranges (y_coef -2..2, spacing 0..5), sometimes anywhere in -1000..1000 (log-uniform size).
random_config <- function(i) {
  kind <- sample(c("answer", "question", "custom"), 1, prob = c(0.2, 0.15, 0.65))
  G <- if (runif(1) < 1 / 3) 2L else max(2L, min(50L, as.integer(round(exp(runif(1, log(2), log(50)))))))
  u <- runif(1)
  n <- if (u < 0.08) sample(1:4, 1) else if (u < 0.9) as.integer(round(exp(runif(1, log(5), log(100))))) else sample(101:200, 1)
  seed <- sample.int(100000L, 1)
  if (kind == "answer") {
    return(list(preset = "answer", seed = seed, groups = G, n = n,
                thresholds = if (G == 1) 0.5 else seq(0.5, 0.1, length.out = G),
                y_coef = 0.5, spacing = 2, center = TRUE))
  }
  if (kind == "question") {
    return(list(preset = "question", seed = seed, groups = G, n = n, thresholds = rep(0.5, G),
                y_coef = 1, spacing = 1, center = FALSE))
  }
  thr <- round(runif(G), 2)
  r <- runif(G)
  thr[r < 0.08] <- 0
  thr[r > 0.92] <- 1
  coef <- function(lo, hi, step) {
    if (runif(1) < 0.75) round(runif(1, lo, hi) / step) * step
    else sample(c(-1, 1), 1) * round(exp(runif(1, log(2), log(1000))), 1)
  }
  list(preset = "custom", seed = seed, groups = G, n = n, thresholds = thr,
       y_coef = coef(-2, 2, 0.05), spacing = coef(0, 5, 0.1), center = runif(1) < 0.5)
}

## ---------------------------------------------------------------------------------------------------
## The joint log density J(alpha, beta, sigma, z) and its exact derivatives
## ---------------------------------------------------------------------------------------------------
joint <- function(d) {
  G <- nlevels(d$group)
  gi <- as.integer(d$group)
  yb <- d$y_bin
  x <- d$x
  logdens <- function(p) {
    z <- p[-(1:3)]
    eta <- p[1] + p[2] * x + z[gi]
    sum(yb * eta - log1pexp(eta)) + sum(dnorm(z, 0, p[3], log = TRUE))
  }
  ## gradient and Hessian of -J in (alpha, beta, sigma, z)
  derivs <- function(p) {
    s <- p[3]; z <- p[-(1:3)]
    mu <- plogis(p[1] + p[2] * x + z[gi])
    r <- mu - yb
    w <- mu * (1 - mu)
    rg <- as.vector(rowsum(r, gi, reorder = TRUE))
    wg <- as.vector(rowsum(w, gi, reorder = TRUE))
    wxg <- as.vector(rowsum(w * x, gi, reorder = TRUE))
    g <- c(sum(r), sum(r * x), G / s - sum(z^2) / s^3, rg + z / s^2)
    k <- 3 + G
    H <- matrix(0, k, k)
    H[1, 1] <- sum(w); H[1, 2] <- H[2, 1] <- sum(w * x); H[2, 2] <- sum(w * x * x)
    H[3, 3] <- -G / s^2 + 3 * sum(z^2) / s^4
    zi <- 3 + seq_len(G)
    H[1, zi] <- H[zi, 1] <- wg
    H[2, zi] <- H[zi, 2] <- wxg
    H[3, zi] <- H[zi, 3] <- -2 * z / s^3
    H[cbind(zi, zi)] <- wg + 1 / s^2
    list(grad = g, hess = H)
  }
  list(G = G, logdens = logdens, derivs = derivs)
}

## Newton's method on -J over the coordinates `free`, with step halving; returns the point and whether
## it reached a gradient below 1e-9 (relative to the size of the problem).
newton_polish <- function(jd, p, free) {
  f <- function(q) -jd$logdens(q)
  fp <- f(p)
  scale <- max(1, abs(fp))
  ok <- FALSE
  for (it in 1:200) {
    dv <- jd$derivs(p)
    g <- dv$grad[free]
    if (max(abs(g)) < 1e-9 * scale) { ok <- TRUE; break }
    step <- tryCatch(solve(dv$hess[free, free], g), error = function(e) NULL)
    if (is.null(step) || any(!is.finite(step))) break
    t <- 1
    repeat {
      q <- p; q[free] <- p[free] - t * step
      if (q[3] > 0 && is.finite(fq <- f(q)) && fq <= fp + 1e-12 * scale) break
      t <- t / 2
      if (t < 1e-10) break
    }
    if (t < 1e-10) break
    if (max(abs(q - p)) == 0) { ok <- max(abs(g)) < 1e-7 * scale; break }
    p <- q; fp <- fq
  }
  list(par = p, ok = ok, grad = jd$derivs(p)$grad)
}

## The answer's opt1 on one data set, then the polish.
opt1 <- function(d) {
  jd <- joint(d)
  G <- jd$G
  nll <- function(p) -jd$logdens(p)
  t0 <- proc.time()[["elapsed"]]
  o <- tryCatch(optim(c(0, 0, 1, rep(0, G)), nll, method = "L-BFGS-B",
                      lower = c(-Inf, -Inf, SIGMA_FLOOR, rep(-Inf, G)),
                      control = list(factr = 4)),
                error = function(e) list(error = conditionMessage(e)))
  if (!is.null(o$error)) return(list(optim_error = o$error))
  at_bound <- o$par[3] - SIGMA_FLOOR < 1e-6
  p0 <- o$par
  if (at_bound) p0[3] <- SIGMA_FLOOR
  free <- if (at_bound) -3 else seq_along(p0)
  pol <- newton_polish(jd, p0, free)
  p <- pol$par
  H <- jd$derivs(p)$hess[free, free]
  ev <- eigen(H, symmetric = TRUE, only.values = TRUE)$values
  neg_def <- all(is.finite(ev)) && min(ev) > 0 # Hessian of -J positive definite = of J negative definite
  moved <- max(abs(p - p0) / pmax(1, abs(p0)))
  grad_max <- max(abs(pol$grad[free]))
  dj_dsigma <- -pol$grad[3]
  ## L-BFGS-B's end is what the answer reports even when its line search gives up (convergence 52); it
  ## is clean when the polish confirms it: a local maximum (on the bound: in (alpha, beta, z), with J
  ## still rising as sigma falls; inside: in every coordinate, sigma within 25% of L-BFGS-B's end, which
  ## on flat ridges stops a few percent short).
  sigma_moved <- abs(p[3] - o$par[3]) / o$par[3]
  clean <- o$convergence %in% c(0, 52) && pol$ok && neg_def &&
    (if (at_bound) dj_dsigma < 0 else p[3] > SIGMA_FLOOR + 1e-6 && sigma_moved < 0.25)
  res <- list(
    at_bound = at_bound,
    clean = clean,
    alpha = p[1], beta = p[2], sigma = p[3],
    z = I(p[-(1:3)]),
    log_density = jd$logdens(p),
    hessian_negative_definite = neg_def,
    gradient_max_abs = grad_max,
    dj_dsigma = dj_dsigma,
    lbfgsb_sigma = o$par[3],
    lbfgsb_log_density = -o$value,
    lbfgsb_convergence = o$convergence,
    lbfgsb_message = if (is.null(o$message)) "" else o$message,
    lbfgsb_evaluations = unname(o$counts[["function"]]),
    polish_moved = moved,
    seconds = round(proc.time()[["elapsed"]] - t0, 3)
  )
  res
}

## Which configurations the project cannot fit at all (it gives an error sentence for every glmer-type
## fit): outcomes all equal, or x constant. Recorded, not skipped: the Rust test decides.
applicability <- function(d) {
  list(outcomes_vary = length(unique(d$y_bin)) > 1, x_varies = length(unique(d$x)) > 1)
}

if (sys.nframe() == 0L) {
  set.seed(20261129)
  configs <- lapply(seq_len(N_CONFIGS), random_config)
  t_all <- proc.time()[["elapsed"]]
  entries <- vector("list", length(configs))
  for (i in seq_along(configs)) {
    cfg <- configs[[i]]
    current_fixture <<- sprintf("config %d", i)
    d <- simulate_data(cfg)
    r <- c(applicability(d), if (length(unique(d$y_bin)) > 1) opt1(d) else list(optim_error = "outcomes all equal"))
    config <- cfg
    config$thresholds <- I(config$thresholds)
    entries[[i]] <- list(config = config, r = r)
    if (!is.null(r$at_bound)) {
      message(sprintf("%3d %-8s G=%2d n=%3d  %s sigma %.6g  clean %s  %.2fs", i, cfg$preset, cfg$groups, cfg$n,
                      if (r$at_bound) "BOUND   " else "interior", r$sigma, r$clean, r$seconds))
    } else {
      message(sprintf("%3d %-8s G=%2d n=%3d  %s", i, cfg$preset, cfg$groups, cfg$n, r$optim_error))
    }
  }
  out <- list(
    description = paste(
      "The answer's opt1 (L-BFGS-B from (0, 0, 1, 0, ...), sigma >= 0.01, factr = 4) on random page",
      "configurations, polished by Newton's method; made by tests/reference/make_joint_mode_fixtures.R."),
    r_version = R.version.string,
    sigma_floor = SIGMA_FLOOR,
    entries = entries
  )
  json <- to_json(out)
  back <- fromJSON(json, simplifyVector = FALSE)
  stopifnot(length(back$entries) == length(entries))
  writeLines(json, out_path)
  message(sprintf("done in %.1fs: %d configurations, %d interior, %d on the bound, %d clean -> %s",
                  proc.time()[["elapsed"]] - t_all, length(entries),
                  sum(vapply(entries, function(e) isFALSE(e$r$at_bound), TRUE)),
                  sum(vapply(entries, function(e) isTRUE(e$r$at_bound), TRUE)),
                  sum(vapply(entries, function(e) isTRUE(e$r$clean), TRUE)), out_path))
}
