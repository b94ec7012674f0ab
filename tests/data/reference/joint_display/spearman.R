# Spearman's rank correlation of each group's joint display (Table 12b), by R's stats.
# Reads joint_display.csv (export_joint_display.py) and writes spearman_r.csv, one row per
# rank correlation (outcome, by, group): cor.test(survey mean, focus-group prevalence,
# method = "spearman", exact = FALSE), the t approximation on n - 2 df that the project
# computes (scipy.stats.spearmanr): rho, t, df, p; the same with R's default exact = NULL
# (for n < 1290 without ties the exact null distribution, AS 89: `p_exact`, NA where ties
# make R fall back to the t approximation); and the project's 95% interval from R's rho,
# tanh(atanh(rho) -/+ qnorm(0.975) * sqrt((1 + rho^2 / 2) / (n - 3))) (Bonett & Wright
# 2000), which no R package here computes.
# Run from this folder: Rscript spearman.R
display <- read.csv("joint_display.csv", colClasses = c(survey_mean = "numeric"))
display$fg_prevalence <- display$fg_count / display$fg_turns
keys <- unique(display[c("outcome", "by", "group")])

rows <- lapply(seq_len(nrow(keys)), function(i) {
  key <- keys[i, ]
  d <- display[display$outcome == key$outcome & display$by == key$by &
    display$group == key$group, ]
  d <- d[complete.cases(d$survey_mean, d$fg_prevalence), ]
  n <- nrow(d)
  test <- cor.test(d$survey_mean, d$fg_prevalence, method = "spearman", exact = FALSE)
  ties <- anyDuplicated(d$survey_mean) > 0 || anyDuplicated(d$fg_prevalence) > 0
  exact <- if (ties) NA else {
    cor.test(d$survey_mean, d$fg_prevalence, method = "spearman")$p.value
  }
  rho <- unname(test$estimate)
  se <- sqrt((1 + rho^2 / 2) / (n - 3))
  z <- qnorm(0.975)
  data.frame(
    key, n = n, rho = rho, t = rho * sqrt((n - 2) / (1 - rho^2)), df = n - 2,
    p = test$p.value, p_exact = exact,
    ci_low = tanh(atanh(rho) - z * se), ci_high = tanh(atanh(rho) + z * se),
    R = paste(R.version$major, R.version$minor, sep = ".")
  )
})
out <- do.call(rbind, rows)
digits17 <- function(col) if (is.numeric(col)) trimws(formatC(col, digits = 17, format = "g")) else col
out[] <- lapply(out, digits17)
write.csv(out, "spearman_r.csv", row.names = FALSE)
