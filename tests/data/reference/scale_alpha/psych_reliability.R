# psych's reliability statistics of every scale and every block of the bundled study,
# pooled and per level of each breakdown column, with full precision.
#
# Input (export_items.py): items.csv (respondents: the breakdown columns, then the keyed
# items), scales.csv (scale, item), blocks.csv (block, scale).
# Output, one row per scale (or block) and subset (level "pooled", group "all"; or the
# breakdown column and one of its values):
#   alpha_total.csv: psych::alpha(x)$total (raw_alpha, std.alpha, G6(smc), average_r, S/N,
#     mean, sd, median_r) with psych 2.2.9, whose standardised statistics use
#     cov2cor(cov(x, use = "pairwise")) ("pre-2.4"); and the same standardised statistics
#     as psych 2.4 and later compute them, from R = cor(x, use = "pairwise") (psych 2.4's
#     R/alpha.R; here: psych::alpha on that matrix, whose statistics of R are then
#     exactly those), suffix _2.4. n: respondents with an answer.
#   alpha_drop.csv: per item, psych::alpha(x)$alpha.drop (both versions as above) and
#     item.stats$r.drop; scales of 3 or more items (psych prints other quantities for 2).
#   omega_scales.csv: psych::omega(x, nfactors = 1, fm)$omega.tot, fm minres and ml,
#     scales of 3 or more items.
#   omega_blocks.csv: psych::omega(x, nfactors = number of scales, fm)$omega_h and
#     $omega.tot on the items of each block, fm minres and ml.
#   icc_scales.csv: psych::ICC(na.omit(x), lmer = FALSE) with a scale's items as the raters of the
#     respondents who answered every item (ICC asks for na.omit), one row
#     per ICC type: ICC, F, df1, df2, p, bounds, and the ANOVA behind them ($stats: the
#     subjects', judges' and residual df, sums of squares, mean squares, F and p; $MSW).
#     The pipeline reports no ICC of the study; this checks coprod.reliability's ICC
#     functions on every scale's data (ICC3k is then the complete rows' alpha).
#
# Run from this folder: Rscript psych_reliability.R
suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
})

items <- read.csv("items.csv", stringsAsFactors = FALSE, colClasses = "character")
scales <- read.csv("scales.csv", stringsAsFactors = FALSE)
blocks <- read.csv("blocks.csv", stringsAsFactors = FALSE)
item_columns <- unique(scales$item)
by <- setdiff(names(items), item_columns)
for (column in item_columns) items[[column]] <- as.numeric(items[[column]])

subsets <- list(list(level = "pooled", group = "all", rows = seq_len(nrow(items))))
for (column in by) {
  for (value in sort(unique(items[[column]]))) {
    subsets[[length(subsets) + 1]] <- list(
      level = column, group = value, rows = which(items[[column]] == value)
    )
  }
}
versions <- data.frame(psych_version = as.character(packageVersion("psych")),
                       gparotation_version = as.character(packageVersion("GPArotation")),
                       r_version = R.version.string)
quiet <- function(expr) suppressWarnings(suppressMessages(expr))
answered <- function(x) sum(rowSums(!is.na(x)) > 0)

totals <- list(); drops <- list(); omegas <- list(); block_rows <- list(); iccs <- list()
for (scale in unique(scales$scale)) {
  columns <- scales$item[scales$scale == scale]
  for (subset in subsets) {
    x <- items[subset$rows, columns]
    key <- data.frame(scale = scale, level = subset$level, group = subset$group)
    old <- quiet(alpha(x, warnings = FALSE))
    new <- quiet(alpha(cor(x, use = "pairwise"), warnings = FALSE))
    t_old <- old$total; t_new <- new$total
    totals[[length(totals) + 1]] <- data.frame(
      key, n = answered(x), n_items = length(columns),
      raw_alpha = t_old$raw_alpha, std_alpha = t_old$std.alpha, lambda6 = t_old[["G6(smc)"]],
      average_r = t_old$average_r, signal_to_noise = t_old[["S/N"]],
      median_r = t_old$median_r, mean = t_old$mean, sd = t_old$sd,
      std_alpha_2.4 = t_new$std.alpha, lambda6_2.4 = t_new[["G6(smc)"]],
      average_r_2.4 = t_new$average_r, signal_to_noise_2.4 = t_new[["S/N"]],
      median_r_2.4 = t_new$median_r, versions, check.names = FALSE
    )
    icc <- quiet(ICC(na.omit(x), lmer = FALSE))
    a <- icc$stats
    iccs[[length(iccs) + 1]] <- data.frame(
      key, type = icc$results$type, icc = icc$results$ICC, F = icc$results$F,
      df1 = icc$results$df1, df2 = icc$results$df2, p = icc$results$p,
      ci_low = icc$results[["lower bound"]], ci_high = icc$results[["upper bound"]],
      n_complete = icc$n.obs,
      df_targets = a["df", "subjects"], ss_targets = a["SumSq", "subjects"],
      ms_targets = a["MS", "subjects"], F_targets = a["F", "subjects"], p_targets = a["p", "subjects"],
      df_raters = a["df", "Judges"], ss_raters = a["SumSq", "Judges"],
      ms_raters = a["MS", "Judges"], F_raters = a["F", "Judges"], p_raters = a["p", "Judges"],
      df_residual = a["df", "Residual"], ss_residual = a["SumSq", "Residual"],
      ms_residual = a["MS", "Residual"], ms_within = icc$MSW
    )
    if (length(columns) >= 3) {
      d_old <- old$alpha.drop; d_new <- new$alpha.drop
      drops[[length(drops) + 1]] <- data.frame(
        key, item = columns, r_drop = old$item.stats$r.drop,
        raw_alpha = d_old$raw_alpha, std_alpha = d_old$std.alpha, lambda6 = d_old[["G6(smc)"]],
        average_r = d_old$average_r, signal_to_noise = d_old[["S/N"]], median_r = d_old$med.r,
        std_alpha_2.4 = d_new$std.alpha, lambda6_2.4 = d_new[["G6(smc)"]],
        average_r_2.4 = d_new$average_r, signal_to_noise_2.4 = d_new[["S/N"]],
        median_r_2.4 = d_new$med.r, check.names = FALSE
      )
      omegas[[length(omegas) + 1]] <- data.frame(
        key,
        omega_total_minres = quiet(omega(x, nfactors = 1, plot = FALSE))$omega.tot,
        omega_total_ml = quiet(omega(x, nfactors = 1, fm = "ml", plot = FALSE))$omega.tot
      )
    }
  }
}
for (block in unique(blocks$block)) {
  members <- blocks$scale[blocks$block == block]
  columns <- scales$item[scales$scale %in% members]
  for (subset in subsets) {
    x <- items[subset$rows, columns]
    minres <- quiet(omega(x, nfactors = length(members), plot = FALSE))
    ml <- quiet(omega(x, nfactors = length(members), fm = "ml", plot = FALSE))
    block_rows[[length(block_rows) + 1]] <- data.frame(
      block = block, level = subset$level, group = subset$group,
      n_factors = length(members), n_items = length(columns), n = answered(x),
      omega_hierarchical_minres = minres$omega_h, omega_total_minres = minres$omega.tot,
      omega_hierarchical_ml = ml$omega_h, omega_total_ml = ml$omega.tot
    )
  }
}
write17 <- function(frames, file) {
  frame <- do.call(rbind, frames)
  numeric <- vapply(frame, is.double, logical(1))
  frame[numeric] <- lapply(frame[numeric], function(v) sprintf("%.17g", v))
  write.csv(frame, file, row.names = FALSE)
}
write17(totals, "alpha_total.csv")
write17(drops, "alpha_drop.csv")
write17(omegas, "omega_scales.csv")
write17(block_rows, "omega_blocks.csv")
write17(iccs, "icc_scales.csv")
