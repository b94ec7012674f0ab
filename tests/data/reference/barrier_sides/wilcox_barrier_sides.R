# R's wilcox.test on the bundled study's exact side scores, pooled and per group.
#
# Input: side_scores.csv (export_side_scores.py): response_id, grouping columns, and the
# two side scores as exact fractions "numerator/denominator" (blank: no score).
# Output: wilcox_barrier_sides.csv, one row per group: by, group, n (complete pairs),
# zeros, V, p, R's method, and the R version.
#
# The paired differences are computed from the fractions as
# (n1 * d2 - n2 * d1) / (d1 * d2): integer products (exact in doubles) and one division,
# so equal side scores give a difference of exactly 0 and equal differences equal
# doubles. wilcox.test(x, y, paired = TRUE) with its defaults (correct = TRUE, exact
# only for n < 50 without ties or zeros) then runs on x = those differences, y = 0.
#
# Run from this folder: Rscript wilcox_barrier_sides.R

sides <- read.csv("side_scores.csv", colClasses = "character")
parts <- function(fraction, which) {
  as.numeric(vapply(strsplit(fraction, "/", fixed = TRUE),
                    function(p) if (length(p) == 2) p[which] else NA_character_, ""))
}
n1 <- parts(sides$side_1, 1); d1 <- parts(sides$side_1, 2)
n2 <- parts(sides$side_2, 1); d2 <- parts(sides$side_2, 2)
difference <- (n1 * d2 - n2 * d1) / (d1 * d2)

test <- function(by, group, keep) {
  d <- difference[keep]
  d <- d[!is.na(d)]
  res <- suppressWarnings(wilcox.test(d, rep(0, length(d)), paired = TRUE))
  data.frame(by = by, group = group, n = length(d), zeros = sum(d == 0),
             V = unname(res$statistic), p = res$p.value, method = res$method,
             r_version = R.version.string)
}

by_columns <- setdiff(names(sides), c("response_id", "side_1", "side_2"))
rows <- list(test("all", "all", rep(TRUE, nrow(sides))))
for (column in by_columns) {
  for (level in sort(unique(sides[[column]][sides[[column]] != ""]))) {
    rows[[length(rows) + 1]] <- test(column, level, sides[[column]] == level)
  }
}
write.csv(do.call(rbind, rows), "wilcox_barrier_sides.csv", row.names = FALSE)
