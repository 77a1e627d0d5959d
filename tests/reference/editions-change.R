# Reference figures for the change between two weighted editions (tests/editions.rs), from R's
# survey package (Debian: r-cran-survey).
#
#   Rscript tests/reference/editions-change.R     (from the repository root)
#
# The two editions are those of `weighted_editions()` in tests/editions.rs (MADE-UP NUMBERS):
# 2026 is tests/fixtures/weighted/data/responses.csv; 2025 is the same export where, of the
# hospitals that answered 導入している, every one but each third (data rows 0, 3, 6, … counted
# from 0 keep their answer) answered 導入予定なし and no Q2. Each edition is its own design (strata,
# clusters within strata, weights, fpc: the fixture's `design:`); for every region (and the
# total) x question x option this writes both editions' estimate, standard error and degrees of
# freedom, and the test of docs/statistics.md ("Change between editions"):
#   t = (p2 - p1) / sqrt(se1^2 + se2^2), two-sided against Student's t on min(df1, df2).
# Output: tests/reference/editions-change-expected.csv, at full precision.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail")

latest <- read.csv("tests/fixtures/weighted/data/responses.csv", encoding = "UTF-8",
                   stringsAsFactors = FALSE, check.names = FALSE, na.strings = character(0))
previous <- latest
moved <- previous$Q1 == "導入している" & (seq_len(nrow(previous)) - 1) %% 3 != 0
previous$Q1[moved] <- "導入予定なし"
previous$Q2[moved] <- ""

q1 <- c(adopted = "導入している", planned = "導入予定あり", none = "導入予定なし",
        considering = "検討中")
q2 <- c(share = "情報共有", tests = "検査削減", other = "その他")

# One edition's estimate, SE and df of every region x question x option (regions and bases are
# domains of the edition's whole design).
figures <- function(d) {
  d$region <- c("東部" = "east", "西部" = "west", "島しょ" = "island")[d[["地域"]]]
  chose2 <- function(label) vapply(strsplit(d$Q2, ";", fixed = TRUE),
                                   function(x) label %in% x, logical(1))
  questions <- list(
    q1 = list(base = rep(TRUE, nrow(d)), options = lapply(q1, function(l) d$Q1 == l)),
    q2 = list(base = d$Q1 == q1[["adopted"]], options = lapply(q2, chose2)))
  out <- list()
  for (qid in names(questions)) {
    q <- questions[[qid]]
    for (oid in names(q$options)) {
      d$y <- as.numeric(q$options[[oid]])
      d$inbase <- q$base
      design <- svydesign(ids = ~`調査区`, strata = ~`層`, weights = ~`重み`,
                          fpc = ~`母集団調査区数`, nest = TRUE, data = d)
      based <- subset(design, inbase)
      for (r in c("east", "west", "island", "all")) {
        sub <- if (r == "all") based else subset(based, region == r)
        m <- svymean(~y, sub)
        out[[paste(r, qid, oid)]] <- c(p = coef(m)[[1]], se = SE(m)[[1]], df = degf(sub))
      }
    }
  }
  out
}

fmt <- function(x) if (is.na(x)) "NA" else format(x, digits = 17)
before <- figures(previous)
now <- figures(latest)
rows <- list()
for (key in names(now)) {
  parts <- strsplit(key, " ", fixed = TRUE)[[1]]
  a <- before[[key]]
  b <- now[[key]]
  se <- sqrt(a[["se"]]^2 + b[["se"]]^2)
  df <- min(a[["df"]], b[["df"]])
  t <- if (se > 0) (b[["p"]] - a[["p"]]) / se else NA
  p <- if (is.na(t) || df < 1) NA else 2 * pt(-abs(t), df)
  rows[[length(rows) + 1]] <- c(
    region = parts[1], question = parts[2], option = parts[3],
    p1 = fmt(a[["p"]]), se1 = fmt(a[["se"]]), df1 = fmt(a[["df"]]),
    p2 = fmt(b[["p"]]), se2 = fmt(b[["se"]]), df2 = fmt(b[["df"]]),
    t = fmt(t), df = fmt(df), p = fmt(p))
}
out <- do.call(rbind, rows)
write.csv(out, "tests/reference/editions-change-expected.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("survey %s, R %s: %d rows\n", packageVersion("survey"), getRversion(), nrow(out)))
