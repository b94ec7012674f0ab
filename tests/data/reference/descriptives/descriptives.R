# The bundled study's means and shares (Tables 5 to 7 and 12a) with their intervals, by
# R's stats. Reads rows.csv, scores.csv and items.csv (export_descriptives.py) and writes
# descriptives_r.csv, one row per record: for a mean, of the non-missing values in the
# record's group (every respondent where `by` is "all"): n, mean, sd, median, t.test's
# 95% interval, and the share at or above `threshold` with prop.test(correct = FALSE)'s
# 95% interval (Wilson's score interval); for a proportion, the count at or above
# `threshold` (given inline for the focus-group prevalences), n, the share and its
# Wilson interval.
# Run from this folder: Rscript descriptives.R
rows <- read.csv("rows.csv", colClasses = "character", na.strings = "")
data <- list(
  scores = read.csv("scores.csv", colClasses = "character", na.strings = ""),
  items = read.csv("items.csv", colClasses = "character", na.strings = "")
)
pooled <- "all"

wilson <- function(count, n) {
  suppressWarnings(prop.test(count, n, correct = FALSE)$conf.int)
}

describe <- function(spec) {
  threshold <- as.numeric(spec$threshold)
  if (spec$source == "counts") {
    count <- as.numeric(spec$count)
    n <- as.numeric(spec$n)
    x <- NULL
  } else {
    d <- data[[spec$source]]
    if (spec$by != pooled) d <- d[!is.na(d[[spec$by]]) & d[[spec$by]] == spec$group, ]
    x <- as.numeric(d[[spec$outcome]])
    x <- x[!is.na(x)]
    count <- sum(x >= threshold)
    n <- length(x)
  }
  share <- wilson(count, n)
  out <- data.frame(
    spec[c("file", "analysis", "outcome", "by", "group", "effect")], n = n,
    count = count, share = count / n, share_ci_low = share[1], share_ci_high = share[2],
    mean = NA, sd = NA, median = NA, ci_low = NA, ci_high = NA
  )
  if (spec$effect == "mean") {
    interval <- t.test(x)$conf.int
    out[c("mean", "sd", "median", "ci_low", "ci_high")] <-
      list(mean(x), sd(x), median(x), interval[1], interval[2])
  }
  out
}

out <- do.call(rbind, lapply(seq_len(nrow(rows)), function(i) describe(rows[i, ])))
out$R <- paste(R.version$major, R.version$minor, sep = ".")
digits17 <- function(col) if (is.numeric(col)) trimws(formatC(col, digits = 17, format = "g")) else col
out[] <- lapply(out, digits17)
write.csv(out, "descriptives_r.csv", row.names = FALSE)
