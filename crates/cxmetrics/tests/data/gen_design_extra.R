# Extra reference cases for the complex-design kinds of survey-design.json
# (SCHEMA.md, METHODS.md "Complex survey designs"), computed with R's
# survey package: other seeds and edge cases (domains of 1 to 3
# respondents, one non-zero weight, shares of 0 or 1, zero-weight domains,
# extreme weights, census strata, lonely PSUs, tiny weights so that
# sum(w) <= n+, bootstrap with more replicates than rows, trimming).
#
#   Rscript gen_design_extra.R [seed] > survey-design-extra.json
#
# CI never runs R: the output is committed. Degenerate estimates (every
# positive-weight answer the same) follow the rule of METHODS.md: se 0,
# bounds equal to the estimate, no deff, no Korn-Graubard/logit/likelihood
# bounds (likelihood_lower/upper: svyciprop(method = "likelihood") at
# convergence, a field beyond SCHEMA.md), no
# t or p of a difference (R returns rounding noise there).

suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
seed <- if (length(args) > 0) as.integer(args[1]) else 20261204L
set.seed(seed)
options(survey.lonely.psu = "fail")

# ---- a tiny JSON writer: arrays are marked with arr() -------------------
arr <- function(x) structure(x, class = c("jarr", class(x)))
js <- function(v) {
  if (inherits(v, "jarr")) {
    v <- unclass(v)
    if (is.list(v)) return(paste0("[", paste(vapply(v, js, ""), collapse = ", "), "]"))
    return(paste0("[", paste(vapply(as.list(v), js, ""), collapse = ", "), "]"))
  }
  if (is.list(v)) {
    keys <- names(v)
    return(paste0("{", paste0("\"", keys, "\": ", vapply(v, js, ""), collapse = ", "), "}"))
  }
  if (is.logical(v)) return(if (v) "true" else "false")
  if (is.character(v)) return(paste0("\"", v, "\""))
  if (!is.finite(v)) stop("non-finite value in output")
  if (v == round(v) && abs(v) < 1e15) return(sprintf("%.0f", v))
  sprintf("%.17g", v)
}

cases <- list()
add_case <- function(kind, input, expected) {
  id <- sprintf("SDX%04d-%s", length(cases), kind)
  expected <- expected[vapply(expected, function(x) is.finite(x), TRUE)]
  cases[[length(cases) + 1]] <<- list(id = id, kind = kind, source = "survey",
                                      input = input, expected = expected)
}

# ---- data ----------------------------------------------------------------
stat_setup <- function(statistic) {
  if (statistic == "nps") return(list(min = 0, max = 10, hib = TRUE, k = NA))
  m <- sample(c(5, 7), 1)
  list(min = 1, max = m, hib = sample(c(TRUE, FALSE), 1, prob = c(0.7, 0.3)),
       k = if (statistic %in% c("top_box", "bottom_box")) sample(1:2, 1) else NA)
}
y_of <- function(s, statistic, st) {
  if (statistic == "nps") return(100 * (s >= 9) - 100 * (s <= 6))
  if (statistic %in% c("mean", "score")) return(s)
  best <- if (st$hib) s > st$max - st$k else s <= st$min + st$k - 1
  worst <- if (st$hib) s <= st$min + st$k - 1 else s > st$max - st$k
  as.numeric(if (statistic == "top_box") best else worst)
}
draw_scores <- function(n, st) {
  p <- runif(st$max - st$min + 1)^2
  sample(st$min:st$max, n, replace = TRUE, prob = p)
}
draw_weights <- function(n, sigma = 0.7, zeros = 0.05, scale = 1) {
  w <- signif(scale * rlnorm(n, 0, sigma), 4)
  w[runif(n) < zeros] <- 0
  if (all(w == 0)) w[1] <- 1
  w
}
common <- function(scores, w, statistic, st, level = NULL) {
  x <- list(scores = arr(scores), weights = arr(w), statistic = statistic)
  if (!is.na(st$k)) x$k <- st$k
  x$scale_min <- st$min
  x$scale_max <- st$max
  x$higher_is_better <- st$hib
  if (!is.null(level)) x$level <- level
  x
}
range_of <- function(statistic, st) {
  if (statistic == "nps") c(-100, 100) else if (statistic %in% c("mean", "score")) c(st$min, st$max) else c(0, 1)
}
clip <- function(b, r) pmin(pmax(b, r[1]), r[2])
lev <- function() sample(c(0.8, 0.9, 0.95, 0.99), 1)

# An optional stratified and/or clustered layout for domain cases (an
# extension of the domain kinds: the runner reads `stratum` and `cluster`
# wherever a case has them). Every stratum gets at least two PSUs.
layout_of <- function(n, layout) {
  st <- rep(1, n); cl <- seq_len(n)
  if (layout %in% c("strata", "both")) {
    H <- max(1, min(3, n %/% 4)); st <- sample(1:H, n, replace = TRUE); st[seq_len(2 * H)] <- rep(1:H, each = 2)
  }
  if (layout %in% c("clusters", "both")) {
    cl <- sample(1:4, n, replace = TRUE)
    for (h in unique(st)) { i <- which(st == h); cl[i[1]] <- 1; cl[i[2]] <- 2 }
  }
  list(st = st, cl = cl)
}
layout_design <- function(d, layout) {
  switch(layout,
         none = svydesign(ids = ~1, weights = ~w, data = d),
         strata = svydesign(ids = ~1, strata = ~st, weights = ~w, data = d),
         clusters = svydesign(ids = ~cl, weights = ~w, data = d),
         both = svydesign(ids = ~cl, strata = ~st, weights = ~w, nest = TRUE, data = d))
}
layout_input <- function(input, lay, layout) {
  if (layout %in% c("strata", "both")) input$stratum <- arr(lay$st)
  if (layout %in% c("clusters", "both")) input$cluster <- arr(lay$cl)
  input
}

# ---- domain_estimate -----------------------------------------------------
domain_case <- function(n, statistic, doms = 3, tweak = "none", layout = "none") {
  st <- stat_setup(statistic)
  s <- draw_scores(n, st)
  w <- draw_weights(n, sigma = sample(c(0.3, 1, 2), 1))
  dom <- sample(1:doms, n, replace = TRUE)
  target <- sample(unique(dom), 1)
  idx <- which(dom == target)
  if (tweak == "tiny") { keep <- idx[seq_len(min(length(idx), sample(1:3, 1)))]; dom[setdiff(idx, keep)] <- doms + 1; idx <- keep }
  if (tweak == "one_weight") { w[idx] <- 0; w[idx[1]] <- 2.5 }
  if (tweak == "zero_weight") { w[idx] <- 0 }
  if (tweak == "constant") { s[idx] <- s[idx[1]] }
  if (tweak == "small_w") { w <- signif(w / 50, 4); w[idx] <- signif(runif(length(idx), 0.05, 0.9), 4) }
  if (tweak == "extreme") { w[idx[1]] <- w[idx[1]] * 1e4 }
  if (tweak == "huge") { w <- w * 1e6; w[idx[1]] <- w[idx[1]] * 1e3 }
  if (tweak == "all_same_domain") { s[idx] <- if (statistic == "nps") 10 else st$max }
  if (all(w == 0)) w[1] <- 1
  level <- lev()
  lay <- layout_of(n, layout)
  d <- data.frame(y = y_of(s, statistic, st), w = w, dom = dom, st = lay$st, cl = lay$cl)
  des <- layout_design(d, layout)
  sub <- subset(des, dom == target)
  input <- layout_input(common(s, w, statistic, st, level), lay, layout)
  input$domain <- arr(dom)
  input$domain_value <- target
  ex <- list(n_domain = nrow(sub), df_full = degf(des))
  if (sum(d$w[d$dom == target]) > 0) {
    m <- svymean(~y, sub, deff = "replace")
    est <- unname(coef(m)); se <- unname(SE(m)); df <- degf(sub)
    yd <- d$y[d$dom == target & d$w > 0]
    degenerate <- length(unique(yd)) == 1
    r <- range_of(statistic, st)
    ex$estimate <- est
    ex$df <- df
    if (degenerate) {
      se <- 0
    } else {
      ex$deff_replace <- unname(deff(m))
      if (sum(d$w[d$dom == target]) > length(yd))
        ex$deff_srs <- unname(deff(svymean(~y, sub, deff = TRUE)))
    }
    ex$se <- se
    z <- qnorm((1 + level) / 2)
    b <- clip(est + c(-1, 1) * z * se, r); ex$wald_lower <- b[1]; ex$wald_upper <- b[2]
    tr <- if (statistic == "mean") c(-Inf, Inf) else r
    if (df > 0) { b <- clip(est + c(-1, 1) * qt((1 + level) / 2, df) * se, tr); ex$t_lower <- b[1]; ex$t_upper <- b[2] }
    dff <- degf(des)
    if (dff > 0) { b <- clip(est + c(-1, 1) * qt((1 + level) / 2, dff) * se, tr); ex$t_full_lower <- b[1]; ex$t_full_upper <- b[2] }
    if (statistic %in% c("top_box", "bottom_box") && !degenerate && df > 0) {
      kg <- suppressWarnings(svyciprop(~y, sub, method = "beta", level = level))
      ci <- attr(kg, "ci"); ex$beta_lower <- unname(ci[1]); ex$beta_upper <- unname(ci[2])
      g <- suppressWarnings(svyglm(y ~ 1, sub, family = quasibinomial,
                                   control = glm.control(epsilon = 1e-15, maxit = 200)))
      b <- plogis(coef(g) + c(-1, 1) * qt((1 + level) / 2, df) * SE(g))
      ex$logit_lower <- unname(b[1]); ex$logit_upper <- unname(b[2])
      # svyciprop(method = "likelihood") at convergence: its own fit stops
      # at a relative deviance change of 1e-8 and its naive variance lags
      # one iteration (bounds off by up to ~1e-4); NA where the profile
      # does not reach the cutoff.
      gl <- suppressWarnings(svyglm(y ~ 1, sub, family = quasibinomial,
                                    control = glm.control(epsilon = 1e-300, maxit = 500)))
      ci <- tryCatch(suppressWarnings(plogis(confint(gl, 1, level = level, method = "likelihood", ddf = df))),
                     error = function(e) c(NA, NA))
      if (all(is.finite(ci))) { ex$likelihood_lower <- unname(ci[1]); ex$likelihood_upper <- unname(ci[2]) }
    }
  }
  add_case("domain_estimate", input, ex)
}

# ---- domain_difference ---------------------------------------------------
difference_case <- function(n, statistic, tweak = "none", layout = "none") {
  st <- stat_setup(statistic)
  s <- draw_scores(n, st)
  w <- draw_weights(n, sigma = sample(c(0.3, 1, 2), 1))
  dom <- sample(1:3, n, replace = TRUE)
  ab <- sample(unique(dom), 2)
  for (v in ab) if (sum(w[dom == v]) == 0) w[which(dom == v)[1]] <- 1
  if (tweak == "constant_a") { i <- dom == ab[1]; s[i] <- s[i][1] }
  if (tweak == "constant_both") { s[dom %in% ab] <- s[dom == ab[1]][1] }
  if (tweak == "tiny") { i <- which(dom == ab[1]); dom[i[-1]] <- 4; if (w[i[1]] == 0) w[i[1]] <- 1 }
  level <- lev()
  lay <- layout_of(n, layout)
  d <- data.frame(y = y_of(s, statistic, st), w = w, dom = dom, st = lay$st, cl = lay$cl)
  des <- layout_design(d, layout)
  b <- svyby(~y, ~dom, des, svymean, covmat = TRUE)
  lv <- as.character(b$dom)
  cvec <- setNames(rep(0, length(lv)), lv)
  cvec[as.character(ab[1])] <- 1; cvec[as.character(ab[2])] <- -1
  ct <- svycontrast(b, cvec)
  deg <- function(v) length(unique(d$y[d$dom == v & d$w > 0])) == 1
  diff <- unname(coef(ct)); se <- unname(SE(ct)); df <- degf(des)
  if (deg(ab[1]) && deg(ab[2])) se <- 0
  input <- layout_input(common(s, w, statistic, st, level), lay, layout)
  input$domain <- arr(dom); input$domain_a <- ab[1]; input$domain_b <- ab[2]
  ex <- list(estimate_a = unname(coef(b)[as.character(ab[1])]),
             estimate_b = unname(coef(b)[as.character(ab[2])]),
             difference = diff, se = se, df = df)
  if (se > 0) {
    span <- diff(range_of(statistic, st))
    tt <- diff / se
    ex$t <- tt
    ex$z_p_value <- 2 * pnorm(-abs(tt))
    z <- clip(diff + c(-1, 1) * qnorm((1 + level) / 2) * se, c(-span, span))
    ex$z_lower <- z[1]; ex$z_upper <- z[2]
    if (df > 0) {
      ex$p_value <- 2 * pt(-abs(tt), df)
      t <- clip(diff + c(-1, 1) * qt((1 + level) / 2, df) * se, c(-span, span))
      ex$lower <- t[1]; ex$upper <- t[2]
    }
  }
  add_case("domain_difference", input, ex)
}

# ---- whole-sample estimates: stratified / cluster --------------------------
whole_expected <- function(des, d, statistic, st, level) {
  m <- svymean(~y, des, deff = "replace")
  est <- unname(coef(m)); se <- unname(SE(m)); df <- degf(des)
  degenerate <- length(unique(d$y[d$w > 0])) == 1
  ex <- list(estimate = est, df = df)
  if (degenerate) se <- 0 else ex$deff <- unname(deff(m))
  ex$se <- se
  r <- range_of(statistic, st)
  b <- clip(est + c(-1, 1) * qnorm((1 + level) / 2) * se, r); ex$wald_lower <- b[1]; ex$wald_upper <- b[2]
  if (df > 0) {
    tr <- if (statistic == "mean") c(-Inf, Inf) else r
    b <- clip(est + c(-1, 1) * qt((1 + level) / 2, df) * se, tr); ex$t_lower <- b[1]; ex$t_upper <- b[2]
  }
  ex
}

stratified_case <- function(n, statistic, fpc = FALSE, lonely = FALSE, census = FALSE, zero_stratum = FALSE) {
  st <- stat_setup(statistic)
  H <- sample(2:6, 1)
  stratum <- c(rep(1:H, each = 2), sample(1:H, max(0, n - 2 * H), replace = TRUE))
  if (lonely) stratum <- c(stratum, H + 1, if (runif(1) < 0.5) H + 2)
  n <- length(stratum)
  s <- draw_scores(n, st); w <- draw_weights(n, zeros = 0.15)
  if (zero_stratum) { w[stratum == 1] <- 0; w[which(stratum == 2)[1]] <- 0; if (all(w == 0)) w[n] <- 1 }
  level <- lev()
  d <- data.frame(y = y_of(s, statistic, st), w = w, st = stratum)
  input <- common(s, w, statistic, st, level)
  input$stratum <- arr(stratum)
  if (fpc) {
    nh <- table(stratum)
    N <- as.numeric(nh) + sample(0:40, length(nh), replace = TRUE)
    if (census) N[1] <- as.numeric(nh)[1]
    names(N) <- names(nh)
    d$N <- unname(N[as.character(stratum)])
    input$fpc <- arr(d$N)
    des <- svydesign(ids = ~1, strata = ~st, weights = ~w, fpc = ~N, data = d)
  } else {
    des <- svydesign(ids = ~1, strata = ~st, weights = ~w, data = d)
  }
  if (lonely) { options(survey.lonely.psu = "adjust"); input$lonely_psu <- "adjust" }
  ex <- whole_expected(des, d, statistic, st, level)
  options(survey.lonely.psu = "fail")
  add_case("stratified_estimate", input, ex)
}

cluster_case <- function(n, statistic, stratified = FALSE) {
  st <- stat_setup(statistic)
  if (stratified) {
    H <- sample(2:4, 1)
    stratum <- sample(1:H, n, replace = TRUE)
    cl <- sample(1:3, n, replace = TRUE)
    # every stratum needs at least two clusters
    for (h in 1:H) { i <- which(stratum == h); if (length(i) < 2) { stratum[1:2] <- h; i <- 1:2 }; cl[i[1]] <- 1; cl[i[2]] <- 2 }
  } else {
    cl <- sample(1:sample(2:12, 1), n, replace = TRUE)
    if (length(unique(cl)) < 2) cl[1:2] <- c(1, 2)
  }
  s <- draw_scores(n, st); w <- draw_weights(n)
  # a cluster whose weights are all zero, sometimes
  if (runif(1) < 0.3) w[cl == cl[1] & (if (stratified) stratum == stratum[1] else TRUE)] <- 0
  if (all(w == 0)) w[n] <- 1
  level <- lev()
  d <- data.frame(y = y_of(s, statistic, st), w = w, cl = cl)
  input <- common(s, w, statistic, st, level)
  input$cluster <- arr(cl)
  if (stratified) {
    d$st <- stratum
    input$stratum <- arr(stratum)
    des <- svydesign(ids = ~cl, strata = ~st, weights = ~w, nest = TRUE, data = d)
  } else {
    des <- svydesign(ids = ~cl, weights = ~w, data = d)
  }
  add_case("cluster_estimate", input, whole_expected(des, d, statistic, st, level))
}

# ---- replicate_estimate --------------------------------------------------
replicate_case <- function(n, statistic, type, reps = NULL, difference = FALSE) {
  st <- stat_setup(statistic)
  level <- lev()
  mse <- runif(1) < 0.4
  rho <- NULL
  if (type %in% c("BRR", "Fay")) {
    H <- max(2, n %/% 2); n <- 2 * H
    stratum <- rep(1:H, each = 2); psu <- rep(1:2, H)
  } else if (type == "JKn") {
    H <- min(sample(2:4, 1), n %/% 2)
    stratum <- sample(1:H, n, replace = TRUE); stratum[1:(2 * H)] <- rep(1:H, each = 2)
    psu <- seq_len(n)
  } else {
    stratum <- rep(1, n); psu <- seq_len(n)
  }
  s <- draw_scores(n, st); w <- draw_weights(n, zeros = 0)
  d <- data.frame(y = y_of(s, statistic, st), w = w, st = stratum, cl = psu)
  base <- if (type %in% c("BRR", "Fay", "JKn")) {
    svydesign(ids = ~cl, strata = ~st, weights = ~w, nest = TRUE, data = d)
  } else svydesign(ids = ~1, weights = ~w, data = d)
  if (type == "bootstrap") {
    if (is.null(reps)) reps <- sample(c(8, 20, 50), 1)
    rd0 <- as.svrepdesign(base, type = "bootstrap", replicates = reps, compress = FALSE, mse = mse)
  } else if (type == "Fay") {
    rho <- sample(c(0.3, 0.5), 1)
    rd0 <- as.svrepdesign(base, type = "Fay", fay.rho = rho, compress = FALSE, mse = mse)
  } else {
    rd0 <- as.svrepdesign(base, type = type, compress = FALSE, mse = mse)
  }
  RW <- signif(weights(rd0, "analysis"), 7)
  rd <- if (type == "BRR") {
    svrepdesign(variables = data.frame(y = d$y), repweights = RW, weights = d$w, type = "BRR",
                combined.weights = TRUE, mse = mse)
  } else if (type == "Fay") {
    svrepdesign(variables = data.frame(y = d$y), repweights = RW, weights = d$w, type = "Fay",
                rho = rho, combined.weights = TRUE, mse = mse)
  } else {
    svrepdesign(variables = data.frame(y = d$y), repweights = RW, weights = d$w, type = type,
                scale = rd0$scale, rscales = rd0$rscales, combined.weights = TRUE, mse = mse)
  }
  if (difference) {
    # An extension of domain_difference: domains of a replicate design.
    dom <- sample(1:3, n, replace = TRUE); dom[1:3] <- 1:3
    rd$variables$dom <- dom
    # Only the two domains compared: svyby drops every replicate in which
    # any domain has no weight (svrVar's na.omit over all columns).
    b <- svyby(~y, ~dom, subset(rd, dom %in% 1:2), svymean, covmat = TRUE)
    cvec <- setNames(c(1, -1), c("1", "2"))
    ct <- svycontrast(b, cvec)
    diff <- unname(coef(ct)); se <- unname(SE(ct)); df <- degf(rd)
    deg <- function(v) length(unique(d$y[dom == v])) == 1
    if (deg(1) && deg(2)) se <- 0
    input <- common(s, w, statistic, st, level)
    input$domain <- arr(dom); input$domain_a <- 1; input$domain_b <- 2
    input$type <- type
    input$replicate_weights <- arr(lapply(seq_len(nrow(RW)), function(i) arr(unname(RW[i, ]))))
    input$scale <- rd$scale
    input$rscales <- arr(unname(rd$rscales))
    input$mse <- mse
    if (!is.null(rho)) input$rho <- rho
    ex <- list(estimate_a = unname(coef(b)["1"]), estimate_b = unname(coef(b)["2"]),
               difference = diff, se = se, df = df)
    if (se > 0) {
      span <- diff(range_of(statistic, st)); tt <- diff / se
      ex$t <- tt; ex$z_p_value <- 2 * pnorm(-abs(tt))
      z <- clip(diff + c(-1, 1) * qnorm((1 + level) / 2) * se, c(-span, span)); ex$z_lower <- z[1]; ex$z_upper <- z[2]
      if (df > 0) {
        ex$p_value <- 2 * pt(-abs(tt), df)
        t <- clip(diff + c(-1, 1) * qt((1 + level) / 2, df) * se, c(-span, span)); ex$lower <- t[1]; ex$upper <- t[2]
      }
    }
    return(add_case("domain_difference", input, ex))
  }
  m <- svymean(~y, rd)
  est <- unname(coef(m)); se <- unname(SE(m)); df <- degf(rd)
  if (length(unique(d$y)) == 1) se <- 0
  input <- common(s, w, statistic, st, level)
  input$type <- type
  input$replicate_weights <- arr(lapply(seq_len(nrow(RW)), function(i) arr(unname(RW[i, ]))))
  input$scale <- rd$scale
  input$rscales <- arr(unname(rd$rscales))
  input$mse <- mse
  if (!is.null(rho)) input$rho <- rho
  r <- range_of(statistic, st)
  ex <- list(estimate = est, se = se, df = df)
  b <- clip(est + c(-1, 1) * qnorm((1 + level) / 2) * se, r); ex$wald_lower <- b[1]; ex$wald_upper <- b[2]
  if (df > 0) {
    tr <- if (statistic == "mean") c(-Inf, Inf) else r
    b <- clip(est + c(-1, 1) * qt((1 + level) / 2, df) * se, tr); ex$t_lower <- b[1]; ex$t_upper <- b[2]
  }
  add_case("replicate_estimate", input, ex)
}

# ---- total_estimate ------------------------------------------------------
total_case <- function(n, statistic, strata = FALSE, fpc = FALSE) {
  st <- stat_setup(if (statistic == "score") "mean" else statistic)
  s <- draw_scores(n, st); w <- draw_weights(n, scale = sample(c(1, 100), 1))
  level <- lev()
  d <- data.frame(y = y_of(s, statistic, st), w = w)
  input <- common(s, w, statistic, st, level)
  if (strata) {
    H <- sample(2:4, 1)
    d$st <- c(rep(1:H, each = 2), sample(1:H, n - 2 * H, replace = TRUE))
    input$stratum <- arr(d$st)
    if (fpc) {
      nh <- table(d$st); N <- as.numeric(nh) + sample(0:30, length(nh), replace = TRUE); names(N) <- names(nh)
      d$N <- unname(N[as.character(d$st)]); input$fpc <- arr(d$N)
      des <- svydesign(ids = ~1, strata = ~st, weights = ~w, fpc = ~N, data = d)
    } else des <- svydesign(ids = ~1, strata = ~st, weights = ~w, data = d)
  } else des <- svydesign(ids = ~1, weights = ~w, data = d)
  m <- svytotal(~y, des)
  ci <- confint(m, level = level)
  add_case("total_estimate", input, list(total = unname(coef(m)), se = unname(SE(m)),
                                          wald_lower = ci[1], wald_upper = ci[2]))
}

# ---- calibrated_estimate -------------------------------------------------
calibrated_case <- function(n, statistic, calfun, trim = "none", domain = FALSE, difference = FALSE) {
  st <- stat_setup(statistic)
  regions <- c("east", "north", "south", "west")[1:sample(2:4, 1)]
  channels <- c("app", "email", "phone", "web")[1:sample(2:3, 1)]
  region <- sample(regions, n, replace = TRUE); region[seq_along(regions)] <- regions
  channel <- sample(channels, n, replace = TRUE); channel[seq_along(channels)] <- channels
  s <- draw_scores(n, st); w <- draw_weights(n, sigma = 0.5, zeros = 0, scale = 80)
  N <- round(sum(w) * runif(1, 0.8, 1.2))
  pr <- runif(length(regions), 0.5, 1.5); pr <- pr / sum(pr)
  pc <- runif(length(channels), 0.5, 1.5); pc <- pc / sum(pc)
  Nr <- round(N * pr); Nr[1] <- N - sum(Nr[-1]); names(Nr) <- regions
  Nc <- round(N * pc); Nc[1] <- N - sum(Nc[-1]); names(Nc) <- channels
  d <- data.frame(y = y_of(s, statistic, st), w = w,
                  region = factor(region, levels = sort(regions)),
                  channel = factor(channel, levels = sort(channels)))
  des <- svydesign(ids = ~1, weights = ~w, data = d)
  sr <- sort(regions); sc <- sort(channels)
  pop <- c(`(Intercept)` = N, setNames(Nr[sr[-1]], paste0("region", sr[-1])),
           setNames(Nc[sc[-1]], paste0("channel", sc[-1])))
  cal <- if (calfun == "linear") calibrate(des, ~region + channel, population = pop, calfun = "linear")
         else calibrate(des, ~region + channel, population = pop, calfun = "raking", epsilon = 1e-13, maxit = 100)
  input <- common(s, w, statistic, st)
  input$region <- arr(region); input$channel <- arr(channel)
  input$population_region <- as.list(Nr); input$population_channel <- as.list(Nc)
  input$calfun <- calfun
  if (trim != "none") {
    cw <- weights(cal)
    lower <- signif(quantile(cw, 0.05), 4); upper <- signif(quantile(cw, 0.9), 4)
    strict <- trim == "strict"
    if (strict) lower <- -Inf
    cal <- trimWeights(cal, lower = lower, upper = upper, strict = strict)
    if (is.finite(lower)) input$trim_lower <- unname(lower)
    input$trim_upper <- unname(upper); input$trim_strict <- strict
  }
  if (difference) {
    # An extension of domain_difference: domains of a calibrated design.
    dom <- sample(1:3, n, replace = TRUE); dom[1:3] <- 1:3
    cal$variables$dom <- dom
    level <- lev()
    input$level <- level
    input$domain <- arr(dom); input$domain_a <- 1; input$domain_b <- 3
    # svyby(covmat = TRUE) fails on calibrated designs in survey 4.1.1;
    # the same linearization as a contrast of ratios of means:
    cal$variables$y1 <- cal$variables$y * (dom == 1); cal$variables$d1 <- as.numeric(dom == 1)
    cal$variables$y3 <- cal$variables$y * (dom == 3); cal$variables$d3 <- as.numeric(dom == 3)
    m <- svymean(~y1 + d1 + y3 + d3, cal)
    ct <- svycontrast(m, quote(y1 / d1 - y3 / d3))
    diff <- unname(coef(ct)); se <- unname(SE(ct)); df <- degf(cal)
    ex <- list(estimate_a = unname(coef(m)["y1"] / coef(m)["d1"]),
               estimate_b = unname(coef(m)["y3"] / coef(m)["d3"]),
               difference = diff, se = se, df = df)
    deg <- function(v) length(unique(d$y[dom == v])) == 1
    if (deg(1) && deg(3)) { se <- 0; ex$se <- 0 }
    if (se > 0) {
      span <- diff(range_of(statistic, st)); tt <- diff / se
      ex$t <- tt; ex$z_p_value <- 2 * pnorm(-abs(tt))
      z <- clip(diff + c(-1, 1) * qnorm((1 + level) / 2) * se, c(-span, span)); ex$z_lower <- z[1]; ex$z_upper <- z[2]
      ex$p_value <- 2 * pt(-abs(tt), df)
      t <- clip(diff + c(-1, 1) * qt((1 + level) / 2, df) * se, c(-span, span)); ex$lower <- t[1]; ex$upper <- t[2]
    }
    return(add_case("domain_difference", input, ex))
  }
  if (domain) {
    # An extension of the kind: a domain of the calibrated design (R's
    # subset keeps every row of a calibrated design, with zero weights).
    dom <- sample(1:3, n, replace = TRUE)
    cal$variables$dom <- dom
    input$domain <- arr(dom); input$domain_value <- 2
    m <- svymean(~y, subset(cal, dom == 2))
  } else m <- svymean(~y, cal)
  add_case("calibrated_estimate", input, list(estimate = unname(coef(m)), se = unname(SE(m)),
                                               weight_sum = sum(weights(cal))))
}

# ---- the cases -------------------------------------------------------------
stats <- c("top_box", "bottom_box", "mean", "nps")
try_case <- function(f, ...) tryCatch(f(...), error = function(e) message("skipped: ", conditionMessage(e)))
for (tweak in c("none", "tiny", "tiny", "tiny", "one_weight", "zero_weight", "constant", "small_w", "extreme", "huge", "all_same_domain")) {
  for (statistic in stats) try_case(domain_case, sample(c(12, 40, 300), 1), statistic, tweak = tweak)
}
for (layout in c("strata", "clusters", "both")) {
  for (statistic in stats) {
    try_case(domain_case, sample(c(16, 40, 300), 1), statistic, layout = layout)
    try_case(domain_case, sample(c(16, 40), 1), statistic, tweak = "tiny", layout = layout)
    try_case(difference_case, sample(c(16, 40, 250), 1), statistic, layout = layout)
  }
}
for (tweak in c("none", "constant_a", "constant_both", "tiny")) {
  for (statistic in stats) try_case(difference_case, sample(c(10, 40, 250), 1), statistic, tweak)
}
for (statistic in stats) {
  try_case(stratified_case, sample(c(8, 30, 200), 1), statistic)
  try_case(stratified_case, sample(c(8, 30, 200), 1), statistic, fpc = TRUE)
  try_case(stratified_case, sample(c(8, 30), 1), statistic, fpc = TRUE, census = TRUE)
  try_case(stratified_case, sample(c(10, 30), 1), statistic, lonely = TRUE)
  try_case(stratified_case, sample(c(10, 30), 1), statistic, fpc = TRUE, lonely = TRUE)
  try_case(stratified_case, sample(c(12, 30), 1), statistic, zero_stratum = TRUE)
  try_case(stratified_case, sample(c(12, 30), 1), statistic, fpc = TRUE, lonely = TRUE, zero_stratum = TRUE)
  try_case(cluster_case, sample(c(10, 40, 300), 1), statistic)
  try_case(cluster_case, sample(c(12, 40, 300), 1), statistic, stratified = TRUE)
}
for (type in c("JK1", "JKn", "bootstrap", "BRR", "Fay")) {
  for (statistic in sample(stats, 2)) try_case(replicate_case, sample(c(6, 12, 40), 1), statistic, type)
  try_case(replicate_case, sample(c(12, 40), 1), sample(stats, 1), type, difference = TRUE)
}
for (statistic in stats) try_case(replicate_case, 6, statistic, "bootstrap", reps = sample(c(20, 50), 1))
for (statistic in c("top_box", "bottom_box", "score")) {
  try_case(total_case, sample(c(6, 40, 300), 1), statistic)
  try_case(total_case, sample(c(12, 40, 300), 1), statistic, strata = TRUE)
  try_case(total_case, sample(c(12, 40, 300), 1), statistic, strata = TRUE, fpc = TRUE)
}
for (calfun in c("linear", "raking")) {
  for (statistic in stats) {
    try_case(calibrated_case, sample(c(15, 60, 400), 1), statistic, calfun)
    try_case(calibrated_case, sample(c(30, 200), 1), statistic, calfun, trim = sample(c("plain", "strict"), 1))
    try_case(calibrated_case, sample(c(30, 200), 1), statistic, calfun, trim = sample(c("none", "plain"), 1), domain = TRUE)
    try_case(calibrated_case, sample(c(30, 200), 1), statistic, calfun, trim = sample(c("none", "plain"), 1), difference = TRUE)
  }
}
# More shares for the likelihood interval (appended last, so the cases
# above keep their draws): every layout, n from 8 to 2,000, levels 0.5 to
# 0.999.
lev <- function() sample(c(0.5, 0.8, 0.9, 0.95, 0.99, 0.999), 1)
for (layout in c("none", "strata", "clusters", "both")) {
  for (n in c(8, 20, 60, 300, 2000)) {
    for (statistic in c("top_box", "bottom_box")) try_case(domain_case, n, statistic, layout = layout)
  }
}
try_case(domain_case, 300, "top_box", tweak = "extreme")
try_case(domain_case, 300, "bottom_box", tweak = "huge")
try_case(domain_case, 40, "top_box", tweak = "small_w")

cat(js(list(schema = "cxmetrics-reference/1",
            generated_with = list(R = paste(R.version$major, R.version$minor, sep = "."),
                                  survey = as.character(packageVersion("survey")),
                                  generator = "gen_design_extra.R", seed = seed),
            cases = arr(cases))), "\n")
