# McDonald's omega of the bundled study's scales with psych, on the pipeline's matrices.
#
# Input: correlations.csv (export_correlations.py): per scale of 3+ items, the items'
# correlation matrix (cov2cor of the pairwise covariance matrix) and n.
# Output: omega_psych.csv, one row per scale:
#   omega_ml_model: (sum l)^2 / ((sum l)^2 + sum u) from psych::fa(nfactors = 1,
#     fm = "ml"), loadings l and uniquenesses u (the pipeline's omega: one-factor ML,
#     no rotation, model-implied total variance);
#   omega_tot_ml: psych::omega(nfactors = 1, fm = "ml")$omega.tot (the observed total
#     sum(R) as denominator);
#   omega_tot_minres: psych::omega(nfactors = 1)$omega.tot, psych's default estimator.
#
# Run from this folder: Rscript omega_psych.R
suppressPackageStartupMessages(library(psych))

long <- read.csv("correlations.csv", stringsAsFactors = FALSE)
rows <- list()
for (scale in unique(long$scale)) {
  part <- long[long$scale == scale, ]
  items <- unique(part$row)
  r <- matrix(part$r, nrow = length(items), byrow = TRUE, dimnames = list(items, items))
  diag(r) <- 1  # cov2cor leaves 1 - 2e-16 on the diagonal, which fa's optimiser rejects
  n <- part$n[1]
  ml <- fa(r, nfactors = 1, fm = "ml", n.obs = n)
  l <- as.vector(ml$loadings)
  if (sum(l) < 0) l <- -l
  common <- sum(l)^2
  om_ml <- suppressWarnings(suppressMessages(omega(r, nfactors = 1, fm = "ml", n.obs = n, plot = FALSE)))
  om_minres <- suppressWarnings(suppressMessages(omega(r, nfactors = 1, n.obs = n, plot = FALSE)))
  rows[[length(rows) + 1]] <- data.frame(
    scale = scale, n = n, n_items = length(items),
    omega_ml_model = common / (common + sum(ml$uniquenesses)),
    omega_tot_ml = om_ml$omega.tot, omega_tot_minres = om_minres$omega.tot,
    psych_version = as.character(packageVersion("psych")), r_version = R.version.string
  )
}
write.csv(do.call(rbind, rows), "omega_psych.csv", row.names = FALSE)
