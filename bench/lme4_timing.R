#!/usr/bin/env Rscript
# In-process timings of lme4 on the data glmm-demo simulates (bit-identical: same seed, same draws).
#
#   Rscript bench/lme4_timing.R [--preset answer|question] [--seed S] [--groups G] [--n N]
#       [--thresholds a,b,...] [--y-coef C] [--spacing D] [--center|--no-center]
#       [--nagq 1,25] [--reps R] [--opt2] [--out FILE]
#
# Prints one JSON object: the data check (n, sum(y_bin), x[1] to 17 digits), then for lmer (REML),
# glm and glmer at each nAGQ the median, 90th percentile and minimum of R repeated fits in milliseconds
# (one untimed fit first; elapsed time, and the median CPU time of this process), and the fits' logLik. With --opt2, the answer's opt2 (pracma::integral2 inside
# Nelder–Mead, from opt1's L-BFGS-B joint mode) is timed once; it needs G = 2.
#
# Real data (issue 12): a CSV and a formula instead of the simulation options,
#
#   Rscript bench/lme4_timing.R --csv FILE --formula "y ~ fixed + (1 | g)" --family binomial|poisson
#       [--link logit|probit|cloglog|log] [--factors col1,col2,...] [--nagq 1,25] [--reps R] [--out FILE]
#
# reads FILE as make_real_fixtures.R does (the --factors columns as factors with levels in R's sort order
# of the strings, e.g. VerbAgg's id, grouseticks' BROOD and YEAR), and times glm(fixed part, family) and
# glmer at each nAGQ in-process as above. The data check is the number of rows and the sum of the response
# (the successes for cbind(...)); logLik is lme4's as printed (for binomial with trials and Poisson at
# nAGQ > 1 it leaves out the saturated constant, see tests/reference/README.md) and loglik_true adds it back.
suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
opt <- list(preset = "answer", seed = 1, groups = NA, n = NA, thresholds = NA, y_coef = NA, spacing = NA,
            center = NA, nagq = c(1, 25), reps = 10, opt2 = FALSE, out = "",
            csv = "", formula = "", family = "binomial", link = "", factors = character(0))
i <- 1
need <- function() { if (i + 1 > length(args)) stop(args[i], " needs a value"); args[i + 1] }
while (i <= length(args)) {
  a <- args[i]
  switch(a,
    "--preset" = { opt$preset <- need(); i <- i + 1 },
    "--seed" = { opt$seed <- as.integer(need()); i <- i + 1 },
    "--groups" = { opt$groups <- as.integer(need()); i <- i + 1 },
    "--n" = { opt$n <- as.integer(need()); i <- i + 1 },
    "--thresholds" = { opt$thresholds <- as.numeric(strsplit(need(), ",")[[1]]); i <- i + 1 },
    "--y-coef" = { opt$y_coef <- as.numeric(need()); i <- i + 1 },
    "--spacing" = { opt$spacing <- as.numeric(need()); i <- i + 1 },
    "--center" = { opt$center <- TRUE },
    "--no-center" = { opt$center <- FALSE },
    "--nagq" = { opt$nagq <- as.integer(strsplit(need(), ",")[[1]]); i <- i + 1 },
    "--reps" = { opt$reps <- as.integer(need()); i <- i + 1 },
    "--opt2" = { opt$opt2 <- TRUE },
    "--out" = { opt$out <- need(); i <- i + 1 },
    "--csv" = { opt$csv <- need(); i <- i + 1 },
    "--formula" = { opt$formula <- need(); i <- i + 1 },
    "--family" = { opt$family <- need(); i <- i + 1 },
    "--link" = { opt$link <- need(); i <- i + 1 },
    "--factors" = { opt$factors <- strsplit(need(), ",")[[1]]; i <- i + 1 },
    stop("unknown option ", a))
  i <- i + 1
}

# Median (and more) of `reps` timed calls after one untimed call; the last value is kept.
timed <- function(f, reps) {
  value <- f()
  t <- cpu <- numeric(reps)
  for (r in seq_len(reps)) {
    t0 <- proc.time()
    value <- f()
    dt <- proc.time() - t0
    t[r] <- dt[["elapsed"]]
    cpu[r] <- dt[["user.self"]] + dt[["sys.self"]]
  }
  ms <- round(sort(t) * 1000, 3)
  list(median_ms = median(ms), p90_ms = ms[max(1, ceiling(0.9 * reps))], min_ms = ms[1], runs = reps,
       cpu_median_ms = round(median(cpu) * 1000, 3), value = value)
}

report <- function(t, ll) { t$value <- NULL; t$loglik <- ll; t }

write_out <- function(out) {
  json <- toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE)
  if (nzchar(opt$out)) writeLines(json, opt$out) else cat(json, "\n")
}

if (nzchar(opt$csv)) {
  stopifnot(nzchar(opt$formula), opt$family %in% c("binomial", "poisson"))
  fam_fun <- get(opt$family)
  fam <- if (nzchar(opt$link)) fam_fun(opt$link) else fam_fun()
  f <- as.formula(opt$formula)
  header <- names(read.csv(opt$csv, nrows = 1))
  fcols <- intersect(opt$factors, header)
  d <- read.csv(opt$csv, colClasses = setNames(rep("character", length(fcols)), fcols), stringsAsFactors = TRUE)
  for (k in fcols) d[[k]] <- factor(d[[k]])
  fixed <- lme4::nobars(f)
  r <- model.response(model.frame(fixed, d))
  if (is.matrix(r)) { y <- r[, 1]; n <- r[, 1] + r[, 2] } else { y <- as.numeric(r); n <- rep(1, length(y)) }
  saturated <- if (opt$family == "binomial") sum(dbinom(y, n, y / n, log = TRUE)) else sum(dpois(y, y, log = TRUE))
  gname <- deparse(lme4::findbars(f)[[1]][[3]])
  out <- list(
    data = list(csv = opt$csv, formula = opt$formula, family = fam$family, link = fam$link, n_obs = nrow(d),
                groups = nlevels(factor(d[[gname]])), sum_response = sum(y), saturated_constant = saturated),
    versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4"))),
    settings = list(reps = opt$reps))
  t <- timed(function() glm(fixed, family = fam, data = d), opt$reps)
  out$glm <- report(t, as.numeric(logLik(t$value)))
  for (k in opt$nagq) {
    t <- timed(function() glmer(f, family = fam, data = d, nAGQ = k), opt$reps)
    ll <- as.numeric(logLik(t$value))
    r <- report(t, ll)
    r$loglik_true <- if (k > 1) ll + saturated else ll
    r$fixef <- as.list(fixef(t$value))
    r$theta <- unname(getME(t$value, "theta"))
    out[[paste0("glmer_nagq", k)]] <- r
  }
  write_out(out)
  quit(save = "no")
}

# The presets of glmm-demo (src/data/simulate.rs), every value overridable.
question <- opt$preset == "question"
G <- if (is.na(opt$groups)) (if (question) 5L else 2L) else opt$groups
n <- if (is.na(opt$n)) 200L else opt$n
thresholds <- if (!all(is.na(opt$thresholds))) opt$thresholds else if (question) rep(0.5, G) else
  if (G == 1) 0.5 else seq(0.5, 0.1, length.out = G)
y_coef <- if (is.na(opt$y_coef)) (if (question) 1 else 0.5) else opt$y_coef
spacing <- if (is.na(opt$spacing)) (if (question) 1 else 2) else opt$spacing
center <- if (is.na(opt$center)) !question else opt$center
stopifnot(length(thresholds) == G)

set.seed(opt$seed)
group <- rep(1:G, each = n)
y <- runif(G * n)
y_bin <- y > thresholds[group]
x <- y_coef * y + rnorm(G * n) + spacing * group
if (center) x <- x - mean(x)
d <- data.frame(group = factor(group), x = x, y = y, y_bin = as.numeric(y_bin))

out <- list(
  data = list(n_obs = nrow(d), groups = G, sum_ybin = sum(y_bin), x1 = sprintf("%.17g", x[1]),
              seed = opt$seed),
  versions = list(R = R.version.string, lme4 = as.character(packageVersion("lme4"))),
  settings = list(reps = opt$reps))

t <- timed(function() lmer(y ~ x + (1 | group), data = d), opt$reps)
out$lmer <- report(t, as.numeric(logLik(t$value)))
t <- timed(function() glm(y_bin ~ x, family = binomial, data = d), opt$reps)
out$glm <- report(t, as.numeric(logLik(t$value)))
for (k in opt$nagq) {
  t <- timed(function() glmer(y_bin ~ x + (1 | group), family = binomial, data = d, nAGQ = k), opt$reps)
  r <- report(t, as.numeric(logLik(t$value)))
  r$fixef <- unname(fixef(t$value))
  r$theta <- unname(getME(t$value, "theta"))
  out[[paste0("glmer_nagq", k)]] <- r
}

if (opt$opt2) {
  stopifnot(G == 2)
  # The answer's code (its likelihood functions end in the returns below: optim minimises).
  logLikelihood <- function(par) {
    alpha <- par[1]; beta <- par[2]; sigma <- par[3]; re <- par[c(4, 5)]
    p <- (exp(-alpha - beta * x - re[group]) + 1)^-1
    ll <- sum(log(p) * y_bin) + sum(log(1 - p) * (1 - y_bin)) - 2 * 0.5 * log(2 * pi) - 2 * log(sigma) -
      0.5 / sigma^2 * sum(re^2)
    -ll
  }
  Likelihood <- function(re1, re2, par3, logscale = 190.79) {
    re <- c(re1, re2)
    alpha <- par3[1]; beta <- par3[2]; sigma <- abs(par3[3])
    p <- (exp(-alpha - beta * x - re[group]) + 1)^-1
    ll <- sum(log(p) * y_bin) + sum(log(1 - p) * (1 - y_bin)) - 2 * 0.5 * log(2 * pi) - 2 * log(sigma) -
      0.5 / sigma^2 * sum(re^2) + logscale
    exp(ll)
  }
  logLikelihood_int <- function(par) {
    d <- 5
    int <- pracma::integral2(Likelihood, center[1] - d, center[1] + d, center[2] - d, center[2] + d,
                             par3 = par, vectorized = 0)
    -log(int$Q)
  }
  t0 <- proc.time()[["elapsed"]]
  opt1 <- optim(par = c(0, 0, 1, 0, 0), fn = logLikelihood, lower = c(-Inf, -Inf, 0.01, -Inf, -Inf),
                method = "L-BFGS-B", control = list(factr = 4))
  t1 <- proc.time()[["elapsed"]]
  center <- opt1$par[4:5]
  opt2 <- optim(par = opt1$par[1:3], fn = logLikelihood_int, method = "Nelder-Mead")
  t2 <- proc.time()[["elapsed"]]
  out$opt1 <- list(ms = round((t1 - t0) * 1000, 3), par = opt1$par)
  out$opt2 <- list(ms = round((t2 - t1) * 1000, 3), par = opt2$par, evaluations = unname(opt2$counts[1]))
}

write_out(out)
