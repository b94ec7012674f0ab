# The bundled study's staff-factor models (Table 10), by R's stats, sandwich and lmtest.
# Reads scores.csv, models.csv and derived.csv (export_staff_data.py) and writes
# staff_r.csv, one row per outcome and term:
# - analysis "standardised_ols": on the complete cases of the outcome, the terms
#   (predictors, then covariates) and the fixed effects, lm(z(outcome) ~ terms + factors)
#   with each term z-scored (sd on n - 1) unless it has two values (then 0/1, 1 = the
#   larger), the fixed effects as factors of their observed levels (treatment contrasts);
#   the coefficients' covariance sandwich::vcovHC(type = models.csv's cov_type),
#   lmtest::coeftest (t on the residual df) and lmtest::coefci (95%): estimate, se, t,
#   df, p, ci_low, ci_high.
# - analysis "partial_correlation" (predictors only): the correlation of the residuals of
#   the predictor and of the outcome, each regressed by lm on the other terms and the
#   fixed effects' factors (Frisch-Waugh-Lovell: the partial correlation), with the
#   project's t test on n - 2 - k df and Fisher-z 95% interval (SE 1 / sqrt(n - k - 3)),
#   k the control columns (other terms and one dummy per observed level but the first).
# A derived outcome (derived.csv) is the mean of its member scores a respondent has,
# missing where fewer than min_answered are present.
# Run from this folder: Rscript staff_models.R
suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
})

scores <- read.csv("scores.csv", colClasses = "character", na.strings = "")
models <- read.csv("models.csv", colClasses = "character")
derived <- read.csv("derived.csv", colClasses = "character")
split <- function(text) if (is.na(text) || text == "") character(0) else strsplit(text, "|", fixed = TRUE)[[1]]
for (i in seq_len(nrow(derived))) {
  members <- sapply(split(derived$members[i]), function(m) as.numeric(scores[[m]]))
  answered <- rowSums(!is.na(members))
  mean <- rowMeans(members, na.rm = TRUE)
  mean[answered < as.numeric(derived$min_answered[i])] <- NA
  scores[[derived$name[i]]] <- mean
}

fit_outcome <- function(spec) {
  predictors <- split(spec$predictors)
  terms <- c(predictors, split(spec$covariates))
  effects <- split(spec$fixed_effects)
  d <- scores[c(spec$outcome, terms, effects)]
  d <- d[complete.cases(d), ]
  x <- data.frame(row.names = seq_len(nrow(d)))
  for (term in terms) {
    v <- as.numeric(d[[term]])
    x[[term]] <- if (length(unique(v)) == 2) as.numeric(v == max(v)) else as.vector(scale(v))
  }
  for (effect in effects) x[[effect]] <- factor(d[[effect]])
  y <- as.numeric(d[[spec$outcome]])
  x$.y <- (y - mean(y)) / sd(y)
  fit <- lm(reformulate(c(terms, effects), ".y"), data = x)
  vcov <- vcovHC(fit, type = spec$cov_type)
  test <- coeftest(fit, vcov. = vcov)
  bounds <- coefci(fit, vcov. = vcov, level = 0.95)
  n <- nrow(d)
  ols <- data.frame(
    analysis = "standardised_ols", outcome = spec$outcome, term = terms,
    estimate = test[terms, 1], se = test[terms, 2], statistic = test[terms, 3],
    df = fit$df.residual, p = test[terms, 4],
    ci_low = bounds[terms, 1], ci_high = bounds[terms, 2], n = n
  )
  dummies <- sum(sapply(effects, function(e) nlevels(x[[e]]) - 1))
  partial <- lapply(predictors, function(term) {
    controls <- c(setdiff(terms, term), effects)
    rx <- resid(lm(reformulate(controls, term), data = x))
    ry <- resid(lm(reformulate(controls, ".y"), data = x))
    r <- cor(rx, ry)
    k <- length(terms) - 1 + dummies
    df <- n - 2 - k
    t <- r * sqrt(df / (1 - r^2))
    half <- qnorm(0.975) / sqrt(n - k - 3)
    data.frame(
      analysis = "partial_correlation", outcome = spec$outcome, term = term,
      estimate = r, se = NA, statistic = t, df = df, p = 2 * pt(-abs(t), df),
      ci_low = tanh(atanh(r) - half), ci_high = tanh(atanh(r) + half), n = n
    )
  })
  rbind(ols, do.call(rbind, partial))
}

out <- do.call(rbind, lapply(seq_len(nrow(models)), function(i) fit_outcome(models[i, ])))
out$R <- paste(R.version$major, R.version$minor, sep = ".")
out$sandwich <- as.character(packageVersion("sandwich"))
out$lmtest <- as.character(packageVersion("lmtest"))
digits17 <- function(col) if (is.numeric(col)) trimws(formatC(col, digits = 17, format = "g")) else col
out[] <- lapply(out, digits17)
write.csv(out, "staff_r.csv", row.names = FALSE)
