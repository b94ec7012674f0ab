# Cohen's kappa of the bundled study's two coders, per code and pooled, by psych.
# Reads segments.csv, codings.csv and codes.csv (export_codings.py) and writes
# kappa_r.csv: for every code (a turn is 1 where a coder applied the code, else 0) and for
# all codes pooled (every turn-and-code pair a unit, codes stacked in codes.csv's order):
# psych::cohen.kappa's unweighted kappa, its standard error sqrt(var.kappa) (Fleiss, Cohen
# & Everitt 1969) and psych's normal interval ($confid), and the interval the project
# prints (irrCAC's: kappa -/+ qt(0.975, n - 1) * se, the upper bound capped at 1).
# Run from this folder: Rscript cohen_kappa.R
suppressPackageStartupMessages(library(psych))

segments <- read.csv("segments.csv", colClasses = "character")$segment_id
codings <- read.csv("codings.csv", colClasses = "character")
codes <- read.csv("codes.csv", colClasses = "character")$code
coders <- sort(unique(codings$coder))
stopifnot(length(coders) == 2)

presence <- function(code, coder) {
  applied <- codings$segment_id[codings$code == code & codings$coder == coder]
  as.numeric(segments %in% applied)
}

kappa_row <- function(code, ratings) {
  fit <- cohen.kappa(ratings)
  n <- nrow(ratings)
  se <- sqrt(fit$var.kappa)
  half <- qt(0.975, n - 1) * se
  data.frame(
    code = code, n_units = n, kappa = fit$kappa, se = se,
    ci_low = fit$kappa - half, ci_high = min(fit$kappa + half, 1),
    psych_ci_low = fit$confid[1, 1], psych_ci_high = fit$confid[1, 3],
    R = paste(R.version$major, R.version$minor, sep = "."),
    psych = as.character(packageVersion("psych"))
  )
}

per_code <- lapply(codes, function(code) {
  cbind(presence(code, coders[1]), presence(code, coders[2]))
})
rows <- Map(kappa_row, codes, per_code)
rows[[length(rows) + 1]] <- kappa_row("all codes", do.call(rbind, per_code))
out <- do.call(rbind, rows)
digits17 <- function(col) if (is.numeric(col)) trimws(formatC(col, digits = 17, format = "g")) else col
out[] <- lapply(out, digits17)
write.csv(out, "kappa_r.csv", row.names = FALSE, quote = TRUE)
