# Hedges' g of the bundled study's contrasts (Tables 8 and 9's robustness column), by R's
# stats. Reads scores.csv and models.csv (export_contrast_data.py) and writes
# hedges_g_r.csv, one row per pair (models.csv's rows with effect hedges_g): x the
# respondents in level_1 with the score, y those in level_0; d = (mean x - mean y) /
# pooled SD, g = J d with J = gamma(m / 2) / (sqrt(m / 2) gamma((m - 1) / 2)),
# m = n1 + n2 - 2 (Hedges 1981, the exact factor); the 95% interval inverts the
# noncentral t distribution of the pooled t = d / sqrt(1 / n1 + 1 / n2): the
# noncentralities under which t is the 97.5% and 2.5% quantile (uniroot on pt(t, m, ncp),
# tol 1e-14), times J sqrt(1 / n1 + 1 / n2) (Hedges & Olkin 1985; MBESS's and effectsize's
# "exact" interval, neither of which is packaged here); and t.test(x, y) (Welch).
# Run from this folder: Rscript hedges_g.R
scores <- read.csv("scores.csv", colClasses = "character", na.strings = "")
models <- read.csv("models.csv", colClasses = "character", na.strings = "")
models <- models[models$effect == "hedges_g", ]

pair_g <- function(spec) {
  values <- as.numeric(scores[[spec$outcome]])
  group <- scores[[spec$column]]
  x <- values[!is.na(values) & !is.na(group) & group == spec$level_1]
  y <- values[!is.na(values) & !is.na(group) & group == spec$level_0]
  n1 <- length(x)
  n2 <- length(y)
  m <- n1 + n2 - 2
  pooled <- sqrt(((n1 - 1) * var(x) + (n2 - 1) * var(y)) / m)
  d <- (mean(x) - mean(y)) / pooled
  j <- exp(lgamma(m / 2) - 0.5 * log(m / 2) - lgamma((m - 1) / 2))
  scale <- sqrt(1 / n1 + 1 / n2)
  t <- d / scale
  # pt with a noncentrality warns that it may miss full precision (its series stops at
  # 1e-12): expected, and the bounds still agree with the pipeline's to 1e-12
  cdf <- function(delta) suppressWarnings(pt(t, m, delta))
  ncp <- function(q) uniroot(function(delta) cdf(delta) - q, c(t - 10, t + 10), tol = 1e-14)$root
  welch <- t.test(x, y)
  data.frame(
    spec[c("file", "analysis", "outcome", "by", "contrast")], n = n1 + n2,
    g = j * d, ci_low = j * ncp(0.975) * scale, ci_high = j * ncp(0.025) * scale,
    t_welch = unname(welch$statistic), df_welch = unname(welch$parameter), p_welch = welch$p.value
  )
}

out <- do.call(rbind, lapply(seq_len(nrow(models)), function(i) pair_g(models[i, ])))
out$R <- paste(R.version$major, R.version$minor, sep = ".")
digits17 <- function(col) if (is.numeric(col)) trimws(formatC(col, digits = 17, format = "g")) else col
out[] <- lapply(out, digits17)
write.csv(out, "hedges_g_r.csv", row.names = FALSE)
