# The bundled study's adjusted p by R's stats::p.adjust. Reads p_values.csv
# (export_p_values.py) and writes p_adjust_r.csv: per row, p.adjust(p, method) over the
# rows of the same file and family (method "holm" for the records' "Holm", "BH" for
# "Benjamini-Hochberg"); a missing p stays missing and does not count (p.adjust's rule).
# Run from this folder: Rscript p_adjust.R
p <- read.csv("p_values.csv", colClasses = c(p = "numeric", row = "integer"))
methods <- c("Holm" = "holm", "Benjamini-Hochberg" = "BH")
stopifnot(all(p$correction %in% names(methods)))
p$p_adj <- NA_real_
for (key in unique(paste(p$file, p$family))) {
  rows <- paste(p$file, p$family) == key
  p$p_adj[rows] <- p.adjust(p$p[rows], method = methods[[p$correction[rows][1]]])
}
out <- p[c("file", "row", "family", "correction", "p_adj")]
out$n_family <- ave(!is.na(p$p), p$file, p$family, FUN = sum)
out$R <- paste(R.version$major, R.version$minor, sep = ".")
digits17 <- function(col) if (is.numeric(col)) trimws(formatC(col, digits = 17, format = "g")) else col
out[] <- lapply(out, digits17)
write.csv(out, "p_adjust_r.csv", row.names = FALSE)
