#!/usr/bin/env Rscript
# Cross-check of the NumPy reference fixtures (*.reference.json, written by
# numpy_em.py) against R's Amelia package.
#
#   apt-get install r-base-core r-cran-amelia r-cran-jsonlite
#   Rscript Tests/Reference/amelia_check.R          (from the repository root)
#
# For every fixture it runs Amelia's EM once, without bootstrap:
#     amelia(x, m = 1, boot.type = "none", tolerance = TOL, p2s = 0)
# and compares Amelia's EM point estimate with the fixture's mean and
# covariance.  It also evaluates, from Amelia's estimate, the observed-data
# log-likelihood and the conditional means of the fixture's "imputed" cells,
# and compares those too.  Exit status 1 if anything differs by more than
# 1e-6 (relative); the measured differences are recorded in README.md.
#
# How to read Amelia's estimate (checked against the package source, Amelia
# 1.8.1: amelia.default, amelia.prep, scalecenter, amstack):
#  * Amelia centres and scales every column before EM, with the
#    available-case mean and the available-case sd (divisor n_obs - 1), so
#    a$mu[, 1] and a$covMatrices[, , 1] are on that standardised scale.
#  * amstack(colorder = TRUE) also REORDERS the columns by their number of
#    missing cells (prepped$p.order) before EM.  a$mu and a$covMatrices stay
#    in that order even though their dimnames are the original column names
#    (e.g. for airquality the entries belong to Wind, Temp, Month, Day,
#    Solar.R, Ozone although labelled Ozone, Solar.R, ...).  We therefore ask
#    Amelia:::amelia.prep for p.order, scaled.mu and scaled.sd and undo both:
#        mu[p.order]            = scaled.mu[p.order] + scaled.sd[p.order] * a$mu
#        Sigma[p.order, p.order] = D a$covMatrices D,  D = diag(scaled.sd[p.order])
#  * Amelia's M-step divides by n (the MLE, same as numpy_em.py): with no
#    missing data its variances on the standardised scale are (n-1)/n.
#  * Rows whose modelled cells are all missing are removed by amsubset()
#    ("blanks") before EM -- the same convention as numpy_em.py and the Swift
#    engine.  (None of airquality/penguins has such a row; survey has 3.)
#  * Amelia's defaults add no prior (empri = 0); 'autopri' only acts if the
#    covariance becomes singular, which does not happen here.  Its start
#    value is the complete-case mean/covariance (not numpy_em.py's
#    available-case diagonal start), which only changes the path, not the
#    fixed point.
#  * Amelia's tolerance is on the change of the standardised parameters, and
#    its C code (emcore) has no iteration cap other than the tolerance.

suppressPackageStartupMessages({
  library(Amelia)
  library(jsonlite)
})

here <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(f)) dirname(normalizePath(f)) else "Tests/Reference"
})
repo <- normalizePath(file.path(here, "..", ".."))

cases <- c("airquality", "penguins", "survey")
tolerances <- c(1e-10, 1e-14)

observed_loglik <- function(X, mu, S) {
  ll <- 0
  for (i in seq_len(nrow(X))) {
    o <- !is.na(X[i, ])
    if (!any(o)) next
    r <- X[i, o] - mu[o]
    So <- S[o, o, drop = FALSE]
    ll <- ll - 0.5 * (sum(o) * log(2 * pi) +
                        as.numeric(determinant(So, logarithm = TRUE)$modulus) +
                        sum(r * solve(So, r)))
  }
  ll
}

conditional_mean <- function(x, mu, S) {
  o <- !is.na(x)
  m <- !o
  out <- x
  out[m] <- mu[m] + S[m, o, drop = FALSE] %*% solve(S[o, o, drop = FALSE], x[o] - mu[o])
  out
}

amelia_estimate <- function(x, tol) {
  set.seed(20261122)  # boot.type = "none" draws nothing for EM; only the imputations use it
  a <- amelia(x, m = 1, boot.type = "none", tolerance = tol, p2s = 0)
  stopifnot(a$code == 1)
  pr <- Amelia:::amelia.prep(x = x, m = 1, tolerance = tol, p2s = 0, boot.type = "none")
  po <- pr$p.order
  sd <- pr$scaled.sd[po]
  mu <- numeric(ncol(x)); S <- matrix(0, ncol(x), ncol(x))
  mu[po] <- pr$scaled.mu[po] + sd * a$mu[, 1]
  S[po, po] <- diag(sd) %*% a$covMatrices[, , 1] %*% diag(sd)
  names(mu) <- colnames(x); dimnames(S) <- list(colnames(x), colnames(x))
  list(mu = mu, S = S, iterations = nrow(a$iterHist[[1]]), blanks = length(pr$blanks))
}

worst <- 0
cat(sprintf("Amelia %s, R %s, jsonlite %s\n", packageVersion("Amelia"),
            paste(R.version$major, R.version$minor, sep = "."), packageVersion("jsonlite")))
for (name in cases) {
  ref <- fromJSON(file.path(here, paste0(name, ".reference.json")), simplifyMatrix = TRUE)
  codes <- ref$missingCodes
  d <- read.csv(file.path(repo, ref$dataset), na.strings = codes, check.names = FALSE,
                stringsAsFactors = FALSE, colClasses = NA, encoding = "UTF-8")
  x <- d[, ref$columns]
  stopifnot(all(vapply(x, is.numeric, TRUE)))
  X <- as.matrix(x)
  used <- rowSums(!is.na(X)) > 0
  cat(sprintf("\n== %s: %d rows in file, %d used (all-missing rows dropped: %d)\n",
              name, nrow(X), sum(used), sum(!used)))
  stopifnot(sum(used) == ref$n)
  rmu <- ref$mean; rS <- ref$covariance
  sdr <- sqrt(diag(rS))
  for (tol in tolerances) {
    est <- amelia_estimate(x, tol)
    stopifnot(est$blanks == sum(!used))
    dmu <- abs(est$mu - rmu)
    dS <- abs(est$S - rS)
    rel_mu <- max(dmu / abs(rmu))
    rel_S <- max(dS / abs(rS))
    std_mu <- max(dmu / sdr)
    std_S <- max(dS / outer(sdr, sdr))
    ll <- observed_loglik(X[used, , drop = FALSE], est$mu, est$S)
    rel_ll <- abs(ll - ref$logLikelihood) / abs(ref$logLikelihood)
    rel_imp <- 0
    for (k in seq_len(nrow(ref$imputed))) {
      r <- ref$imputed$row[k] + 1; j <- match(ref$imputed$column[k], ref$columns)
      v <- conditional_mean(X[r, ], est$mu, est$S)[j]
      rel_imp <- max(rel_imp, abs(v - ref$imputed$value[k]) / abs(ref$imputed$value[k]))
    }
    cat(sprintf(paste0("  tolerance %.0e: %3d EM iterations | max rel diff: mean %.2e, covariance %.2e",
                       " | standardised: mean %.2e, covariance %.2e | logLik %.2e (Amelia %.10f, NumPy %.10f)",
                       " | imputed cond. means %.2e\n"),
                tol, est$iterations, rel_mu, rel_S, std_mu, std_S, rel_ll, ll, ref$logLikelihood,
                rel_imp))
    worst <- max(worst, rel_mu, rel_S, rel_ll, rel_imp)
  }
}
cat(sprintf("\nlargest relative difference over all cases and tolerances: %.2e\n", worst))
if (worst > 1e-6) {
  cat("FAILED: Amelia and numpy_em.py disagree\n")
  quit(status = 1)
}
cat("OK\n")
