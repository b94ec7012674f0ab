# The intervals of the bundled study's epsilon-squared and Cramér's V, by R's stats.
# Reads statistics.csv (export_statistics.py) and writes noncentral_r.csv, one row per
# record: the noncentralities under which the observed chi-squared statistic (H, or
# Pearson's chi2) on df is the 97.5% and 2.5% quantile of the noncentral chi-squared
# distribution (uniroot on pchisq(statistic, df, ncp), tol 1e-14; a bound is 0 where the
# central distribution already puts the statistic below that quantile; Smithson 2003,
# ch. 4), turned into the effect size: epsilon-squared = H / (n - 1) with bounds
# ncp / (n - 1), Cramér's V = sqrt(chi2 / n) with bounds sqrt(ncp / n) (a 0/1 score by a
# grouping, or a 2 x 2 table: min(r, c) - 1 = 1); the lower bound at most the estimate,
# the upper at least the estimate and at most 1 (the records' convention).
# Run from this folder: Rscript noncentral_intervals.R
stats <- read.csv("statistics.csv", colClasses = c(statistic = "numeric", contrast = "character"))

bound <- function(statistic, df, q) {
  if (pchisq(statistic, df) <= q) return(0)
  f <- function(ncp) pchisq(statistic, df, ncp) - q
  upper <- statistic + 1
  while (f(upper) > 0) upper <- 2 * upper
  uniroot(f, c(0, upper), tol = 1e-14)$root
}

rows <- lapply(seq_len(nrow(stats)), function(i) {
  s <- stats[i, ]
  scale <- if (s$effect == "epsilon_squared") s$n - 1 else s$n
  to_effect <- if (s$effect == "epsilon_squared") identity else sqrt
  estimate <- to_effect(s$statistic / scale)
  low <- to_effect(bound(s$statistic, s$df, 0.975) / scale)
  high <- to_effect(bound(s$statistic, s$df, 0.025) / scale)
  data.frame(
    s[c("file", "analysis", "outcome", "by", "contrast", "effect")],
    estimate = estimate, ci_low = min(low, estimate), ci_high = min(1, max(high, estimate))
  )
})
out <- do.call(rbind, rows)
out$R <- paste(R.version$major, R.version$minor, sep = ".")
digits17 <- function(col) if (is.numeric(col)) trimws(formatC(col, digits = 17, format = "g")) else col
out[] <- lapply(out, digits17)
write.csv(out, "noncentral_r.csv", row.names = FALSE)
