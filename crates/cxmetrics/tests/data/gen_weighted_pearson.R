# Reference values for the weighted Pearson correlation and its
# design-based (linearized, Taylor-series) standard error, computed with
# R's survey package:
#
#   design <- svydesign(ids = ~1, weights = ~w, data = df)
#   v      <- svyvar(~x + y, design)
#   r, se  <- svycontrast(v, quote(xy / sqrt(xx * yy)))   (delta method)
#
#   Rscript gen_weighted_pearson.R [seed]   # writes weighted_pearson_r.json
#                                           # next to this script (cwd)
#
# CI never runs R: the output is committed. JSON is written by hand with
# sprintf("%.17g") so that every double (weights included) round-trips
# exactly (jsonlite stops at 15 significant digits).
#
# Zero weights: svydesign accepts them. Those rows stay in the design:
# nrow(design) and the n/(n-1) factor of the linearized variance count them
# (onestage() uses the number of PSUs of the whole design), while degf()
# counts only positive-weight rows (degf = #{w > 0} - 1). The script also
# checks the closed form
#   u_i = [ (dx dy - m_xy)/sqrt(m_xx m_yy)
#           - (r/2) ((dx^2 - m_xx)/m_xx + (dy^2 - m_yy)/m_yy) ] / W
#   var = n/(n-1) * sum_i (w_i u_i)^2,   n = nrow (zero weights included)
# against svycontrast and stops on a relative difference above 1e-10.

suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
seed <- if (length(args) > 0) as.integer(args[1]) else 20260505L
set.seed(seed)

# lognormal weights with a given coefficient of variation
weights_cv <- function(n, cv) {
  s <- sqrt(log(1 + cv^2))
  exp(rnorm(n, -s^2 / 2, s))
}

# integer answers on [lo, hi], correlated with a latent factor
answers <- function(n, lo, hi, z, rho) {
  e <- rho * z + sqrt(1 - rho^2) * rnorm(n)
  v <- round(lo + (hi - lo) * pnorm(e) + runif(n, -0.5, 0.5))
  as.integer(pmin(hi, pmax(lo, v)))
}

closed_form <- function(x, y, w) {
  n <- length(w)
  W <- sum(w)
  dx <- x - sum(w * x) / W
  dy <- y - sum(w * y) / W
  mxy <- sum(w * dx * dy) / W
  mxx <- sum(w * dx^2) / W
  myy <- sum(w * dy^2) / W
  r <- mxy / sqrt(mxx * myy)
  u <- ((dx * dy - mxy) / sqrt(mxx * myy) -
          (r / 2) * ((dx^2 - mxx) / mxx + (dy^2 - myy) / myy)) / W
  c(r = r, se = sqrt(n / (n - 1) * sum((w * u)^2)))
}

cases <- list()
maxrel <- 0
add_case <- function(name, xs, ys, x, y, w) {
  pos <- w > 0
  stopifnot(length(unique(x[pos])) > 1, length(unique(y[pos])) > 1)
  df <- data.frame(x = x, y = y, w = w)
  des <- svydesign(ids = ~1, weights = ~w, data = df)
  v <- svyvar(~x + y, des)
  m <- coef(v)                         # 2x2 matrix, rows/cols "x", "y"
  vc <- vcov(v)                        # 4x4 in as.vector(m) order
  keep <- c(1, 2, 4)                   # xx, yx (= xy), yy
  st <- structure(c(xx = m[1, 1], xy = m[2, 1], yy = m[2, 2]),
                  var = vc[keep, keep], statistic = "variance",
                  class = "svystat")
  ct <- svycontrast(st, quote(xy / sqrt(xx * yy)))
  r <- unname(coef(ct))
  se <- unname(SE(ct))
  r_cw <- cov.wt(cbind(x, y), wt = w / sum(w), cor = TRUE)$cor[1, 2]
  stopifnot(abs(r - r_cw) <= 1e-12 * max(1, abs(r)))
  cf <- closed_form(x, y, w)
  rel <- max(abs(cf[["r"]] - r) / abs(r), abs(cf[["se"]] - se) / se)
  maxrel <<- max(maxrel, rel)
  if (rel > 1e-10) stop(sprintf("closed form differs in %s: %g", name, rel))
  # The crate's interval and test from this SE: Fisher's z with the
  # delta-method SE se / (1 - r^2) and a t quantile on the design's df;
  # the Wald t test of r = 0 on the same df.
  dfd <- degf(des)
  fisher <- function(level) {
    h <- qt(1 - (1 - level) / 2, dfd) * se / (1 - r^2)
    tanh(atanh(r) + c(-1, 1) * h)
  }
  i95 <- fisher(0.95)
  i90 <- fisher(0.90)
  tstat <- r / se
  cases[[length(cases) + 1]] <<- list(
    name = name, x_lowest = xs[1], x_highest = xs[2],
    y_lowest = ys[1], y_highest = ys[2],
    x = x, y = y, w = w,
    r = r, se = se, df = dfd, n = nrow(des),
    lower95 = i95[1], upper95 = i95[2], lower90 = i90[1], upper90 = i90[2],
    t = tstat, p_value = 2 * pt(-abs(tstat), dfd))
}

scales <- list(c(1L, 5L, 1L, 5L), c(1L, 7L, 1L, 5L),
               c(0L, 10L, 1L, 5L), c(1L, 5L, 0L, 10L))
gen <- function(name, sc, n, rho, wfun) {
  z <- rnorm(n)
  repeat {
    x <- answers(n, sc[1], sc[2], z, sqrt(abs(rho)))
    y <- answers(n, sc[3], sc[4], z, sign(rho) * sqrt(abs(rho)))
    w <- wfun(n)
    pos <- w > 0
    if (length(unique(x[pos])) > 1 && length(unique(y[pos])) > 1) break
  }
  add_case(name, sc[1:2], sc[3:4], x, y, w)
}

cvs <- c(0.1, 0.3, 0.5, 1, 2, 5)
ns <- c(5L, 12L, 40L, 150L, 600L, 3000L)
rhos <- c(0.6, -0.4, 0.1, 0.9, 0.3, -0.8)
# 16 lognormal-weight cases over the four scale pairs
for (i in 1:16) {
  sc <- scales[[(i - 1) %% 4 + 1]]
  cv <- cvs[(i - 1) %% 6 + 1]
  n <- ns[(i * 5 - 1) %% 6 + 1]
  rho <- rhos[(i - 1) %% 6 + 1]
  gen(sprintf("lognormal_cv%g_n%d_x%d-%d_y%d-%d", cv, n, sc[1], sc[2], sc[3], sc[4]),
      sc, n, rho, function(n) weights_cv(n, cv))
}
# all weights equal (plain Pearson)
gen("equal_weights_n50", scales[[1]], 50L, 0.5, function(n) rep(1, n))
gen("equal_weights_2.5_n200", scales[[3]], 200L, -0.3, function(n) rep(2.5, n))
# a few zero weights
zero_some <- function(k, cv) function(n) {
  w <- weights_cv(n, cv); w[sample.int(n, k)] <- 0; w
}
gen("zeros3_cv0.5_n30", scales[[1]], 30L, 0.5, zero_some(3L, 0.5))
gen("zeros10_cv1_n300", scales[[2]], 300L, -0.6, zero_some(10L, 1))
gen("zeros2_cv0.3_n8", scales[[4]], 8L, 0.7, zero_some(2L, 0.3))
gen("zeros50_cv2_n1000", scales[[3]], 1000L, 0.2, zero_some(50L, 2))
# weights spanning 1e-3 .. 1e3
gen("span_1e-3_1e3_n400", scales[[2]], 400L, 0.5,
    function(n) { w <- 10^runif(n, -3, 3); w[1:2] <- c(1e-3, 1e3); w })
# n = 5, equal-ish weights
gen("tiny_n5_cv0.1", scales[[1]], 5L, 0.8, function(n) weights_cv(n, 0.1))

# ---- a tiny JSON writer: doubles as %.17g, integers as %d ---------------
num <- function(v) {
  if (is.integer(v)) return(sprintf("%d", v))
  if (any(!is.finite(v))) stop("non-finite value in output")
  sprintf("%.17g", v)
}
js <- function(v, array = FALSE) {
  if (is.list(v))
    return(paste0("{", paste0("\"", names(v), "\": ",
                              mapply(js, v, names(v) %in% c("x", "y", "w")),
                              collapse = ", "), "}"))
  if (is.character(v)) return(paste0("\"", v, "\""))
  if (array) return(paste0("[", paste(num(v), collapse = ", "), "]"))
  stopifnot(length(v) == 1)
  num(v)
}
for (i in seq_along(cases)) {
  cases[[i]]$df <- as.integer(cases[[i]]$df)
  cases[[i]]$n <- as.integer(cases[[i]]$n)
}
out <- file.path(getwd(), "weighted_pearson_r.json")
src <- sprintf("R %s, survey %s, seed %d", getRversion(),
               packageVersion("survey"), seed)
writeLines(c("{", sprintf("  \"source\": \"%s\",", src), "  \"cases\": [",
             paste0("    ", vapply(cases, js, ""),
                    c(rep(",", length(cases) - 1), "")),
             "  ]", "}"), out)
message(sprintf("%d cases written to %s; closed form max rel diff %.3g",
                length(cases), out, maxrel))
