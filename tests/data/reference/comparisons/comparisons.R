# R's tests and effect sizes on every comparison of the bundled study.
#
# Input (export_comparisons.py): comparisons.csv, one row per comparison (the record's
# keys; source, column, levels, test), and scores.csv / items.csv, the data.
# Output: r_comparisons.csv, one row per comparison: its keys, then every statistic and p
# below, written with 17 significant digits, and the versions of R and rstatix.
#
# omnibus (k levels of `column`): kruskal.test; rstatix::kruskal_effsize (eta2[H]);
#   oneway.test(var.equal = FALSE) and (var.equal = TRUE); for a 0/1 outcome also
#   chisq.test of the k x 2 table, as "table".
# pair (x = first level, y = second): wilcox.test(x, y) with R's defaults (correct = TRUE,
#   exact where n < 50 without ties), with correct = FALSE, and one-sided ("less",
#   "greater"); rstatix::wilcox_effsize (r = |Z| / sqrt(n), coin's asymptotic Z);
#   t.test(x, y) (Welch, R's default) and t.test(x, y, var.equal = TRUE).
# table (an outcome by the levels of `column`, or 2 x 2 counts given in `levels`):
#   chisq.test(correct = TRUE) (R's default) and (correct = FALSE), fisher.test for a
#   2 x 2 table, rstatix::cramer_v with correct = TRUE (its default) and FALSE.
#
# Missing values are dropped, as the pipeline drops them. Tests R refuses (a constant
# sample in t.test, say) give NA. Run from this folder: Rscript comparisons.R

suppressPackageStartupMessages(library(rstatix))
`%||%` <- function(a, b) if (is.null(a)) b else a

manifest <- read.csv("comparisons.csv", colClasses = "character")
sources <- list(
  scores = read.csv("scores.csv", colClasses = "character"),
  items = read.csv("items.csv", colClasses = "character")
)

quietly <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) NULL)
value <- function(res, name) if (is.null(res)) NA_real_ else unname(as.numeric(res[[name]]))[1]

omnibus <- function(y, g) {
  data <- data.frame(y = y, g = factor(g, levels = unique(g)))
  kw <- quietly(kruskal.test(y ~ g, data = data))
  eta <- quietly(kruskal_effsize(data, y ~ g))
  welch <- quietly(oneway.test(y ~ g, data = data, var.equal = FALSE))
  classic <- quietly(oneway.test(y ~ g, data = data, var.equal = TRUE))
  list(
    n = length(y), kw_H = value(kw, "statistic"), kw_df = value(kw, "parameter"),
    kw_p = value(kw, "p.value"), eta2_H = value(eta, "effsize"),
    welch_F = value(welch, "statistic"), welch_df1 = value(welch$parameter, 1),
    welch_df2 = value(welch$parameter, 2), welch_p = value(welch, "p.value"),
    anova_F = value(classic, "statistic"), anova_df1 = value(classic$parameter, 1),
    anova_df2 = value(classic$parameter, 2), anova_p = value(classic, "p.value")
  )
}

pair <- function(x, y) {
  w <- quietly(wilcox.test(x, y))
  data <- data.frame(v = c(x, y), g = factor(rep(c("x", "y"), c(length(x), length(y)))))
  r <- quietly(wilcox_effsize(data, v ~ g))
  welch <- quietly(t.test(x, y))
  student <- quietly(t.test(x, y, var.equal = TRUE))
  list(
    n = length(x) + length(y), W = value(w, "statistic"), wilcox_p = value(w, "p.value"),
    wilcox_exact = if (is.null(w)) NA else grepl("exact", w$method, fixed = TRUE),
    wilcox_p_uncorrected = value(quietly(wilcox.test(x, y, correct = FALSE)), "p.value"),
    wilcox_p_less = value(quietly(wilcox.test(x, y, alternative = "less")), "p.value"),
    wilcox_p_greater = value(quietly(wilcox.test(x, y, alternative = "greater")), "p.value"),
    wilcox_r = value(r, "effsize"),
    t_welch = value(welch, "statistic"), t_welch_df = value(welch, "parameter"),
    t_welch_p = value(welch, "p.value"), t_student = value(student, "statistic"),
    t_student_df = value(student, "parameter"), t_student_p = value(student, "p.value")
  )
}

table_tests <- function(counts) {
  yates <- quietly(chisq.test(counts, correct = TRUE))
  plain <- quietly(chisq.test(counts, correct = FALSE))
  fisher <- if (all(dim(counts) == 2)) quietly(fisher.test(counts)) else NULL
  list(
    n = sum(counts), chisq = value(yates, "statistic"), chisq_df = value(yates, "parameter"),
    chisq_p = value(yates, "p.value"), chisq_uncorrected = value(plain, "statistic"),
    chisq_p_uncorrected = value(plain, "p.value"), fisher_p = value(fisher, "p.value"),
    cramer_v = quietly(cramer_v(counts, correct = TRUE)) %||% NA_real_,
    cramer_v_uncorrected = quietly(cramer_v(counts, correct = FALSE)) %||% NA_real_
  )
}


rows <- vector("list", nrow(manifest))
for (i in seq_len(nrow(manifest))) {
  spec <- manifest[i, ]
  levels <- if (spec$levels == "") character(0) else strsplit(spec$levels, "|", fixed = TRUE)[[1]]
  if (spec$source == "counts") {
    out <- table_tests(matrix(as.numeric(levels), 2, 2, byrow = TRUE))
  } else {
    data <- sources[[spec$source]]
    y <- as.numeric(ifelse(data[[spec$outcome]] == "", NA, data[[spec$outcome]]))
    g <- data[[spec$column]]
    keep <- !is.na(y) & g != "" & (length(levels) == 0 | g %in% levels)
    y <- y[keep]; g <- g[keep]
    if (spec$test == "omnibus") {
      order <- order(match(g, levels))
      out <- omnibus(y[order], g[order])
      if (all(y %in% c(0, 1))) out <- c(out, table_tests(table(g, y))[-1])
    } else if (spec$test == "pair") {
      out <- pair(y[g == levels[1]], y[g == levels[2]])
    } else {
      out <- table_tests(table(g, y))
    }
  }
  rows[[i]] <- c(as.list(spec[c("file", "analysis", "outcome", "by", "contrast")]), out)
}

columns <- unique(unlist(lapply(rows, names)))
result <- do.call(rbind, lapply(rows, function(row) {
  row[setdiff(columns, names(row))] <- NA
  as.data.frame(lapply(row[columns], function(v) {
    if (is.numeric(v)) ifelse(is.na(v), NA, sprintf("%.17g", v)) else v
  }), stringsAsFactors = FALSE)
}))
result$r_version <- R.version.string
result$rstatix_version <- as.character(packageVersion("rstatix"))
write.csv(result, "r_comparisons.csv", row.names = FALSE, na = "")
