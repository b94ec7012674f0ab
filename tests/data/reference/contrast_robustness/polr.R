# The bundled study's proportional-odds models (the contrasts' robustness check, Tables 8
# and 9), by MASS::polr. Reads scores.csv and models.csv (export_contrast_data.py) and
# writes polr_r.csv, one row per model (models.csv's rows of effect log_odds_ratio): on
# the respondents in either level of the contrast's column with the score and every
# fixed effect, the score's observed values (rounded to 6 decimals, as the project does
# against float noise) as ordered levels,
# polr(score ~ x + fixed effects, method = "logistic", Hess = TRUE), x = 1 in level_1 and
# 0 in level_0, the fixed effects as factors of their observed levels: x's coefficient
# (the log odds ratio of higher categories), its Wald standard error from polr's Hessian
# (optimHess: finite differences of the analytic gradient), z, two-sided p and the Wald
# 95% interval. optim's BFGS is run to reltol = 1e-15 (default 1e-8) so that the
# coefficients are at the maximum, not at R's default stopping point. A score with two
# observed values (polr needs three) is the same model as a logistic regression of the
# higher value: glm(family = binomial), run to epsilon = 1e-15, with the standard error
# from its exact information matrix.
# Run from this folder: Rscript polr.R
suppressPackageStartupMessages(library(MASS))

scores <- read.csv("scores.csv", colClasses = "character", na.strings = "")
models <- read.csv("models.csv", colClasses = "character", na.strings = "")
models <- models[models$effect == "log_odds_ratio", ]
split <- function(text) if (is.na(text) || text == "") character(0) else strsplit(text, "|", fixed = TRUE)[[1]]

fit_model <- function(spec) {
  effects <- split(spec$fixed_effects)
  d <- scores[scores[[spec$column]] %in% c(spec$level_1, spec$level_0),
    c(spec$outcome, spec$column, effects)]
  d <- d[complete.cases(d), ]
  x <- data.frame(
    .y = factor(round(as.numeric(d[[spec$outcome]]), 6), ordered = TRUE),
    .x = as.numeric(d[[spec$column]] == spec$level_1)
  )
  for (effect in effects) x[[effect]] <- factor(d[[effect]])
  formula <- reformulate(c(".x", effects), ".y")
  if (nlevels(x$.y) > 2) {
    fit <- polr(formula, data = x, method = "logistic", Hess = TRUE,
      control = list(reltol = 1e-15, maxit = 10000))
    for (restart in 1:5) {  # BFGS again from where it stopped, with a fresh Hessian
      fit <- polr(formula, data = x, method = "logistic", Hess = TRUE,
        start = c(coef(fit), fit$zeta), control = list(reltol = 1e-15, maxit = 10000))
    }
    converged <- fit$convergence == 0
  } else {
    fit <- glm(formula, data = x, family = binomial, control = list(epsilon = 1e-15, maxit = 100))
    # glm's covariance uses the weights of its last iteration's start; start again at the
    # optimum so that they are the optimum's (the exact information matrix)
    fit <- glm(formula, data = x, family = binomial, start = coef(fit),
      control = list(epsilon = 1e-15, maxit = 100))
    converged <- fit$converged
  }
  estimate <- unname(coef(fit)[".x"])
  se <- unname(sqrt(diag(vcov(fit)))[".x"])
  z <- estimate / se
  half <- qnorm(0.975) * se
  data.frame(
    spec[c("file", "analysis", "outcome", "by", "contrast")], n = nrow(d),
    levels = nlevels(x$.y), estimate = estimate, se = se, z = z, p = 2 * pnorm(-abs(z)),
    ci_low = estimate - half, ci_high = estimate + half, model = class(fit)[1], converged = converged
  )
}

out <- do.call(rbind, lapply(seq_len(nrow(models)), function(i) fit_model(models[i, ])))
out$R <- paste(R.version$major, R.version$minor, sep = ".")
out$MASS <- as.character(packageVersion("MASS"))
digits17 <- function(col) if (is.numeric(col)) trimws(formatC(col, digits = 17, format = "g")) else col
out[] <- lapply(out, digits17)
write.csv(out, "polr_r.csv", row.names = FALSE)
