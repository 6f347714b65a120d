#!/usr/bin/env python3
"""Generates the bundled Qualtrics-style survey export and, computed here
independently of the crate (plain Python arithmetic and the published
formulas), the figures the monthly report must show.

Writes tests/data/survey_export.csv and tests/data/survey_export_expected.json.
Deterministic (fixed seed); run from anywhere: python3 gen_survey_export.py.

The export: a header row of column ids, a second row of question texts (as
Qualtrics writes it), then 3,000 respondents: a recorded date-time, a
channel, a weight (some blank), likelihood to recommend 0-10 (the endpoints
written "0 - Not at all likely" / "10 - Extremely likely", some blank or
"N/A"), satisfaction 1-5 as words (some "Don't know"), effort as 7-point
agreement words (some "N/A"), and a free-text comment (commas, quotes). Some
rows are malformed: a missing cell, a date that is no date, a blank
channel, a weight that is no number; some cells are bad (a "7" on the
satisfaction question, "eleven" for NPS).
"""
import csv
import json
import math
import os
import random
from collections import defaultdict
from statistics import NormalDist

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(20261204)

SAT = ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"]
AGREE = ["Strongly disagree", "Disagree", "Somewhat disagree", "Neither agree nor disagree",
         "Somewhat agree", "Agree", "Strongly agree"]
CHANNELS = ["Web", "App", "Phone", "Store"]
MONTHS = [1, 2, 3, 4, 5, 6]
N = 3000

header = ["ResponseId", "RecordedDate", "Channel", "Weight", "Q1_NPS", "Q2_CSAT", "Q3_CES", "Q4_Comment"]
texts = ["Response ID", "Recorded Date", "Channel", "Weight",
         "How likely are you to recommend us to a friend or colleague?",
         "Overall, how satisfied are you with your visit?",
         "The company made it easy for me to handle my issue.",
         "Anything else you would like to tell us?"]

rows = []          # the CSV rows as written
answers = []       # per accepted respondent: (month, channel, weight or None, nps, csat, ces)
row_causes = defaultdict(list)   # row number (1-based, data rows after the two header rows) by cause
cell_causes = defaultdict(lambda: defaultdict(list))
na_counts = defaultdict(int)

comments = ["", "Great service", "Too slow, and the app crashed", 'They said "we will call back"',
            "ok", "Long wait; friendly staff, though", ""]

for i in range(N):
    rid = f"R_{i:05d}"
    month = random.choice(MONTHS)
    channel = random.choice(CHANNELS)
    if channel == "Store" and month == 4:
        month = 3            # no Store answers in April: a gap in its trend
    day = random.randint(1, 28)
    date = f"2026-{month:02d}-{day:02d} {random.randint(0, 23):02d}:{random.randint(0, 59):02d}:{random.randint(0, 59):02d}"
    # The channel moves scores: App improves over time, Phone is worse.
    drift = {"Web": 0.0, "App": 0.35 * (month - 1), "Phone": -1.0, "Store": 0.5}[channel]
    weight = round(random.lognormvariate(0, 0.5), 3)
    weight_cell = f"{weight}"
    if random.random() < 0.03:
        weight_cell = ""
    base = random.gauss(7.2 + drift, 2.3)
    nps = max(0, min(10, int(round(base))))
    csat = max(1, min(5, int(round(1 + (base + random.gauss(0, 1.2)) / 2.4))))
    ces = max(1, min(7, int(round(1 + (base + random.gauss(0, 1.5)) / 1.6))))
    nps_cell = {0: "0 - Not at all likely", 10: "10 - Extremely likely"}.get(nps, str(nps))
    nps_val = nps
    r = random.random()
    if r < 0.02:
        nps_cell, nps_val = "", None
    elif r < 0.03:
        nps_cell, nps_val = "N/A", None
    csat_cell, csat_val = SAT[csat - 1], csat
    if random.random() < 0.04:
        csat_cell, csat_val = "Don't know", None
    ces_cell, ces_val = AGREE[ces - 1], ces
    if random.random() < 0.03:
        ces_cell, ces_val = "N/A", None
    comment = random.choice(comments)
    cells = [rid, date, channel, weight_cell, nps_cell, csat_cell, ces_cell, comment]
    row_no = i + 1        # rows numbered from 1 after the two header rows
    bad = random.random()
    cell_bad = random.random()
    if bad < 0.004:
        cells = cells[:-1]                     # a missing cell
        row_causes["column_count"].append(row_no)
    elif bad < 0.008:
        cells[1] = random.choice(["not recorded", "2026-13-02 10:00:00", "2026-02-30"])
        row_causes["bad_period"].append(row_no)
    elif bad < 0.011:
        cells[2] = " "
        row_causes["bad_group"].append(row_no)
    elif bad < 0.014:
        cells[3] = "heavy"
        row_causes["unweighted_only"].append(row_no)
        weight_cell = ""
    if bad >= 0.004 and bad < 0.011:
        rows.append(cells)
        continue
    if bad < 0.004:
        rows.append(cells)
        continue
    # Bad cells in accepted rows.
    if cell_bad < 0.006:
        cells[4], nps_val = "eleven", None
        cell_causes["Q1_NPS"]["not_a_number"].append(row_no)
    elif cell_bad < 0.012:
        cells[5], csat_val = "7", None
        cell_causes["Q2_CSAT"]["out_of_range"].append(row_no)
    w = None if weight_cell == "" else weight
    if weight_cell == "" and "heavy" not in cells:
        row_causes["unweighted_only"].append(row_no)
    for q, v, cell in (("Q1_NPS", nps_val, cells[4]), ("Q2_CSAT", csat_val, cells[5]), ("Q3_CES", ces_val, cells[6])):
        if v is None and cell in ("", "N/A", "Don't know"):
            na_counts[q] += 1
    answers.append((f"2026-{month:02d}", channel, w, nps_val, csat_val, ces_val))
    rows.append(cells)

with open(os.path.join(HERE, "survey_export.csv"), "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(header)
    out.writerow(texts)
    for r in rows:
        out.writerow(r)

# --- the expected figures, computed here -------------------------------------

Z = NormalDist().inv_cdf(0.975)


def t_quantile(p, df):
    """Student t quantile by bisection on the regularized incomplete beta
    (continued fraction), enough for df >= 2 at 1e-12."""
    def betacf(a, b, x):
        tiny = 1e-300
        c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
        d = 1.0 / (d if abs(d) > tiny else tiny)
        h = d
        for m in range(1, 400):
            m2 = 2 * m
            aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + aa / c if abs(1 + aa / c) > tiny else tiny
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + aa / c if abs(1 + aa / c) > tiny else tiny
            de = d * c
            h *= de
            if abs(de - 1) < 1e-16:
                break
        return h

    def ibeta(a, b, x):
        if x <= 0: return 0.0
        if x >= 1: return 1.0
        lb = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x)
        if x < (a + 1) / (a + b + 2):
            return math.exp(lb) * betacf(a, b, x) / a
        return 1 - math.exp(lb) * betacf(b, a, 1 - x) / b

    def cdf(t):
        x = df / (df + t * t)
        tail = 0.5 * ibeta(df / 2, 0.5, x)
        return 1 - tail if t > 0 else tail

    lo, hi = 0.0, 50.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def nps_adjusted_wald(p_count, d_count, n):
    """Adjusted Wald (Rocks 2016): add 3/4 promoter, 3/4 detractor, n + 3."""
    value = (p_count - d_count) / n
    m = n + 3
    pa, da = (p_count + 0.75) / m, (d_count + 0.75) / m
    centre = pa - da
    se = math.sqrt(max(pa + da - (pa - da) ** 2, 0) / m)
    return 100 * value, 100 * max(-1, centre - Z * se), 100 * min(1, centre + Z * se)


def wilson(k, n):
    p = k / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return p, max(0.0, centre - half), min(1.0, centre + half)


def mean_t(values):
    n = len(values)
    m = sum(values) / n
    var = sum((v - m) ** 2 for v in values) / (n - 1)
    half = t_quantile(0.975, n - 1) * math.sqrt(var / n)
    return m, m - half, m + half


def figures(items):
    """Unweighted figures with intervals and weighted point values."""
    out = {}
    nps = [a[3] for a in items if a[3] is not None]
    csat = [a[4] for a in items if a[4] is not None]
    ces = [a[5] for a in items if a[5] is not None]
    if len(nps) > 0:
        p = sum(1 for v in nps if v >= 9); d = sum(1 for v in nps if v <= 6)
        v, lo, hi = nps_adjusted_wald(p, d, len(nps))
        out["Q1_NPS"] = {"n": len(nps), "nps": [v, lo, hi]}
        w = [(a[2], a[3]) for a in items if a[3] is not None and a[2] is not None]
        if w:
            W = sum(x for x, _ in w)
            out["Q1_NPS"]["weighted_nps"] = 100 * (sum(x for x, v in w if v >= 9) - sum(x for x, v in w if v <= 6)) / W
            out["Q1_NPS"]["weighted_n"] = len(w)
    if len(csat) > 1:
        k = sum(1 for v in csat if v >= 4)
        out["Q2_CSAT"] = {"n": len(csat), "top_box": list(wilson(k, len(csat))), "mean": list(mean_t(csat))}
        w = [(a[2], a[4]) for a in items if a[4] is not None and a[2] is not None]
        if w:
            W = sum(x for x, _ in w)
            out["Q2_CSAT"]["weighted_top_box"] = sum(x for x, v in w if v >= 4) / W
            out["Q2_CSAT"]["weighted_mean"] = sum(x * v for x, v in w) / W
    if len(ces) > 1:
        k = sum(1 for v in ces if v >= 6)
        out["Q3_CES"] = {"n": len(ces), "top_box": list(wilson(k, len(ces))), "mean": list(mean_t(ces))}
    return out


cells = defaultdict(list)
for a in answers:
    cells[(a[0], a[1])].append(a)
by_month = defaultdict(list)
by_channel = defaultdict(list)
for a in answers:
    by_month[a[0]].append(a)
    by_channel[a[1]].append(a)

# Pearson and Spearman of CES and CSAT over respondents who answered both.
pairs = [(a[5], a[4]) for a in answers if a[4] is not None and a[5] is not None]


def pearson(xy):
    n = len(xy)
    mx = sum(x for x, _ in xy) / n; my = sum(y for _, y in xy) / n
    sxy = sum((x - mx) * (y - my) for x, y in xy)
    sxx = sum((x - mx) ** 2 for x, _ in xy); syy = sum((y - my) ** 2 for _, y in xy)
    return sxy / math.sqrt(sxx * syy)


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1
        for k in range(i, j + 1):
            r[order[k]] = avg
        i = j + 1
    return r


rx = ranks([x for x, _ in pairs]); ry = ranks([y for _, y in pairs])
expected = {
    "rows": len(rows),
    "accepted": len(answers),
    "row_causes": {k: {"count": len(v), "first_rows": v[:5]} for k, v in row_causes.items()},
    "cell_causes": {q: {c: {"count": len(v), "first_rows": v[:5]} for c, v in cs.items()} for q, cs in cell_causes.items()},
    "not_applicable": dict(na_counts),
    "cells": {f"{m} / {c}": figures(v) for (m, c), v in sorted(cells.items())},
    "months": {m: figures(v) for m, v in sorted(by_month.items())},
    "channels": {c: figures(v) for c, v in sorted(by_channel.items())},
    "total": figures(answers),
    "pearson_ces_csat": pearson(pairs),
    "spearman_ces_csat": pearson(list(zip(rx, ry))),
    "pairs_n": len(pairs),
}
with open(os.path.join(HERE, "survey_export_expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print(f"{len(rows)} data rows, {len(answers)} accepted; causes {dict((k, len(v)) for k, v in row_causes.items())}")
