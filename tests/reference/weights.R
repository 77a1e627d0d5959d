# Reference figures for tests/weights.rs, from R's survey package (Debian: r-cran-survey).
#
#   Rscript tests/reference/weights.R     (from the repository root)
#
# Reads the made-up sample in tests/fixtures/weighted/data/responses.csv and writes
# tests/reference/weights-expected.csv: for every region (and the total) x question x option,
# the design-based estimate, its 95% confidence interval and the test of the region against the
# rest of the survey, at full precision (format(x, digits = 17)); then (column `group` not empty)
# the same estimate and interval for every region x group of the dimension (the cross-tab; group
# `(all)`: the region's every respondent, the cross-tab's 計 row). docs/statistics.md describes
# the same calls; surveysite computes them itself, so `cargo test` does not need R.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail")   # a stratum with one PSU is an error (surveysite: too)

d <- read.csv("tests/fixtures/weighted/data/responses.csv", encoding = "UTF-8",
              stringsAsFactors = FALSE, check.names = FALSE, na.strings = character(0))
d$region <- c("東部" = "east", "西部" = "west", "島しょ" = "island")[d[["地域"]]]
d$w <- d[["重み"]]
d$strata <- d[["層"]]
d$cluster <- d[["調査区"]]
d$fpc <- d[["母集団調査区数"]]
groups <- c("大規模" = "large", "中規模" = "medium", "小規模" = "small")
d$group <- groups[d[["規模"]]]

# Questions: base (who was asked) and each option's indicator.
q1 <- c(adopted = "導入している", planned = "導入予定あり", none = "導入予定なし",
        considering = "検討中")
q2 <- c(share = "情報共有", tests = "検査削減", other = "その他")
chose2 <- function(label) vapply(strsplit(d$Q2, ";", fixed = TRUE),
                                 function(x) label %in% x, logical(1))
questions <- list(
  q1 = list(base = rep(TRUE, nrow(d)), options = lapply(q1, function(l) d$Q1 == l)),
  q2 = list(base = d$Q1 == q1[["adopted"]], options = lapply(q2, chose2)))

# Two designs of the same rows: "clustered" (strata, clusters numbered within strata, fpc: the
# codebook's `design:` as the fixture gives it) and "stratified" (strata and unequal weights,
# each respondent its own PSU, no fpc: `design:` with only `weight:` and `strata:`).
make <- list(
  clustered = function(d) svydesign(ids = ~cluster, strata = ~strata, weights = ~w, fpc = ~fpc,
                                    nest = TRUE, data = d),
  stratified = function(d) svydesign(ids = ~1, strata = ~strata, weights = ~w, data = d))

# The design is made once from every row; regions and bases are domains (subset keeps the
# design: its strata, PSUs and fpc), never rows dropped before the design is made.
fmt <- function(x) if (is.na(x)) "NA" else format(x, digits = 17)
# svyciprop's logit interval of a domain: R's own bounds and the exact ones (see below).
interval <- function(sub) {
  # df = degf(sub). R's own quirks, which surveysite does not copy (it shows no interval):
  # at df = 1, confint.svyglm's t-to-normal level rounds to 1 (bounds 0 and NaN); for an
  # estimate of 0 or 1 the logistic fit does not converge (bounds near 1e-12).
  ci <- suppressWarnings(svyciprop(~y, sub, method = "logit"))
  bounds <- confint(ci)
  # The same interval as svyciprop's code computes it, with glm's convergence tightened:
  # at its default (epsilon = 1e-8) the logistic fit stops up to ~1e-9 (relative) short of
  # the exact bounds, which surveysite computes in closed form.
  fit <- suppressWarnings(svyglm(y ~ 1, sub, family = quasibinomial,
                                 control = glm.control(epsilon = 1e-15, maxit = 100)))
  exact <- suppressWarnings(as.numeric(survey:::expit(
    confint(fit, 1, level = 0.95, method = "Wald", ddf = degf(sub)))))
  c(exact, bounds)
}
rows <- list()
for (kind in names(make)) {
for (qid in names(questions)) {
  q <- questions[[qid]]
  for (oid in names(q$options)) {
    d$y <- as.numeric(q$options[[oid]])
    d$inbase <- q$base
    design <- make[[kind]](d)
    based <- subset(design, inbase)
    for (r in c("east", "west", "island", "all")) {
      sub <- if (r == "all") based else subset(based, region == r)
      m <- svymean(~y, sub)
      ci <- interval(sub)
      t <- NA; tdf <- NA; p <- NA
      if (r != "all") {
        tt <- tryCatch(eval(bquote(svyttest(y ~ I(region == .(r)), based))),
                       error = function(e) NULL)
        if (!is.null(tt)) {
          t <- unname(tt$statistic); tdf <- unname(tt$parameter); p <- unname(tt$p.value)
        }
      }
      inside <- d$inbase & (r == "all" | d$region == r)
      rows[[length(rows) + 1]] <- c(
        design = kind, region = r, question = qid, option = oid,
        count = sum(d$y[inside]), base = sum(inside),
        estimate = fmt(coef(m)[[1]]), se = fmt(SE(m)[[1]]), df = fmt(degf(sub)),
        lower = fmt(ci[1]), upper = fmt(ci[2]),
        svyciprop_lower = fmt(ci[3]), svyciprop_upper = fmt(ci[4]),
        t = fmt(t), t_df = fmt(tdf), p = fmt(p), group = "")
    }
    # The cross-tab: a region x group of the dimension is a domain of the whole design (every
    # respondent of the region in the group, whether asked the question or not: y is 0 for who
    # was not, as the census cross-tab divides by the group's size); no test.
    for (r in c("east", "west", "island", "all")) {
      for (g in c(groups, "(all)")) {
        inside <- (r == "all" | d$region == r) & (g == "(all)" | d$group == g)
        if (!any(inside)) next                   # no respondent (島しょ has no 小規模): no row
        sub <- design[inside, ]                  # = subset(design, region == r & group == g)
        m <- svymean(~y, sub)
        ci <- interval(sub)
        rows[[length(rows) + 1]] <- c(
          design = kind, region = r, question = qid, option = oid,
          count = sum(d$y[inside]), base = sum(inside),
          estimate = fmt(coef(m)[[1]]), se = fmt(SE(m)[[1]]), df = fmt(degf(sub)),
          lower = fmt(ci[1]), upper = fmt(ci[2]),
          svyciprop_lower = fmt(ci[3]), svyciprop_upper = fmt(ci[4]),
          t = "NA", t_df = "NA", p = "NA", group = g)
      }
    }
  }
}
}
out <- do.call(rbind, rows)
write.csv(out, "tests/reference/weights-expected.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("survey %s, R %s: %d rows\n", packageVersion("survey"), getRversion(), nrow(out)))
