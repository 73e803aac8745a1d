# Independent references for multiple imputation, standard errors (R; Debian packages).
#   apt-get install -y r-cran-mice r-cran-lavaan r-cran-jsonlite
#   Rscript Tests/Reference/mi_reference.R     (from the repository root)
# Writes Tests/Reference/mi.reference.json:
#   pooling:   mice::pool on lm fits of the five completed files Tests/Reference/mi/airquality-{1..5}.csv
#   standardErrors: lavaan's saturated model (all means, variances, covariances free),
#              missing = "ml", information = "observed", at lavaan's own ML estimates.
suppressMessages({ library(mice); library(lavaan); library(jsonlite) })

files <- sprintf("Tests/Reference/mi/airquality-%d.csv", 1:5)
completed <- lapply(files, read.csv)
formulas <- c("Ozone ~ Wind + Temp", "Ozone ~ Solar.R + Wind + Temp + Month")
pooling <- lapply(formulas, function(f) {
  fits <- as.mira(lapply(completed, function(d) lm(as.formula(f), data = d)))
  pooled <- pool(fits)
  s <- summary(pooled, conf.int = TRUE)
  p <- pooled$pooled
  list(formula = f,
       term = as.character(p$term), estimate = p$estimate, ubar = p$ubar, b = p$b, t = p$t,
       dfcom = p$dfcom, df = p$df, riv = p$riv, lambda = p$lambda, fmi = p$fmi,
       std.error = s$std.error, statistic = s$statistic, p.value = s$p.value,
       lower95 = s[["2.5 %"]], upper95 = s[["97.5 %"]])
})

saturated <- function(vars) {
  lines <- c()
  for (i in seq_along(vars)) for (j in i:length(vars)) lines <- c(lines, paste(vars[i], "~~", vars[j]))
  c(lines, paste(vars, "~ 1"))
}
se_reference <- function(path, vars, na) {
  d <- read.csv(path, na.strings = na)[, vars]
  fit <- lavaan(paste(saturated(vars), collapse = "\n"), data = d, missing = "ml",
                information = "observed", observed.information = "hessian", fixed.x = FALSE)
  pe <- parameterEstimates(fit)
  p <- length(vars)
  mean_se <- sapply(vars, function(v) pe$se[pe$lhs == v & pe$op == "~1"])
  mean_est <- sapply(vars, function(v) pe$est[pe$lhs == v & pe$op == "~1"])
  cov_se <- matrix(0, p, p); cov_est <- matrix(0, p, p)
  for (i in 1:p) for (j in i:p) {
    k <- which(pe$op == "~~" & pe$lhs == vars[i] & pe$rhs == vars[j])
    cov_se[i, j] <- cov_se[j, i] <- pe$se[k]
    cov_est[i, j] <- cov_est[j, i] <- pe$est[k]
  }
  list(dataset = path, columns = vars, missingCodes = na, mean = unname(mean_est), covariance = cov_est,
       meanStandardErrors = unname(mean_se), covarianceStandardErrors = cov_se)
}
ses <- list(
  se_reference("Datasets/airquality.csv", c("Ozone", "Solar.R", "Wind", "Temp", "Month", "Day"), c("", "NA")),
  se_reference("Datasets/survey.csv", c("age", "income", "satisfaction", "hours_online", "household_size"), c("", "NA", "-99")))

out <- list(generator = "Tests/Reference/mi_reference.R", R = R.version.string,
            mice = as.character(packageVersion("mice")), lavaan = as.character(packageVersion("lavaan")),
            pooling = pooling, standardErrors = ses)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "Tests/Reference/mi.reference.json")
cat("wrote Tests/Reference/mi.reference.json\n")
