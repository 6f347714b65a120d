#!/usr/bin/env python3
"""The same queries as `benches/weighted.rs`, in DuckDB, on the same file,
and the ratios the weighted-SQL targets name, from Criterion's medians.

Run the DataFusion bench first (it writes the Parquet file and Criterion's
estimates), then this script, back to back:

    cargo bench -p cxmetrics-datafusion --bench weighted
    pip install duckdb
    python3 crates/cxmetrics-datafusion/benches/duckdb_ratios.py

Options: --rows N (default: CXMETRICS_SQL_BENCH_ROWS or 10^7), --file PATH
(default: CXMETRICS_SQL_BENCH_FILE or the temporary folder's
cxmetrics-sql-bench-N.parquet, as the bench), --criterion DIR (default:
$CARGO_TARGET_DIR/criterion, else target/criterion), --threads (2), --reps
(7). DuckDB times are medians of --reps runs after one warm-up.

Not needed by CI: the Rust tests never run Python.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time


def plain(key, w, n):
    return (
        f"SELECT {key}, (SUM(CASE WHEN score >= 9 THEN {w} ELSE 0 END) "
        f"- SUM(CASE WHEN score <= 6 THEN {w} ELSE 0 END)) * 100.0 / {n} "
        f"FROM t GROUP BY {key}"
    )


def duck_queries(key):
    return {
        "plain": plain(key, "1", "COUNT(score)"),
        "plain_weighted": plain(key, "weight", "SUM(weight)"),
        "count": f"SELECT {key}, COUNT(score) FROM t GROUP BY {key}",
        "sum_weight": f"SELECT {key}, SUM(weight) FROM t GROUP BY {key}",
    }


def criterion_median_ms(root, group, name):
    path = os.path.join(root, group, name, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"] / 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    rows = int(os.environ.get("CXMETRICS_SQL_BENCH_ROWS", 10_000_000))
    ap.add_argument("--rows", type=int, default=rows)
    ap.add_argument("--file")
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    ap.add_argument("--criterion", default=os.path.join(target, "criterion"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    path = args.file or os.environ.get("CXMETRICS_SQL_BENCH_FILE") or os.path.join(
        tempfile.gettempdir(), f"cxmetrics-sql-bench-{args.rows}.parquet"
    )
    if not os.path.exists(path):
        sys.exit(f"no bench file at {path}: run the DataFusion bench first")

    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{path}')")
    print(f"file {path}; DuckDB {duckdb.__version__}, {args.threads} threads, "
          f"medians of {args.reps}")

    duck = {}
    for key in ["channel", "store"]:
        for name, sql in duck_queries(key).items():
            con.execute(sql).fetchall()  # warm-up
            times = []
            for _ in range(args.reps):
                t0 = time.perf_counter()
                con.execute(sql).fetchall()
                times.append((time.perf_counter() - t0) * 1e3)
            duck[(key, name)] = statistics.median(times)

    print()
    print(f"{'key':8} {'query':22} {'DataFusion ms':>14} {'DuckDB ms':>10}")
    df = {}
    for key in ["channel", "store"]:
        group = f"sql_{key}"
        for name in ["nps", "count", "plain", "nps_weighted", "sum_weight",
                     "sum_weight_count", "plain_weighted", "nps_weighted_f32",
                     "nps_weighted_nulls"]:
            try:
                df[(key, name)] = criterion_median_ms(args.criterion, group, name)
            except FileNotFoundError:
                sys.exit(f"no Criterion estimate for {group}/{name} under "
                         f"{args.criterion}: run the DataFusion bench first")
            d = duck.get((key, name))
            print(f"{key:8} {name:22} {df[(key, name)]:14.1f} "
                  f"{'' if d is None else f'{d:10.1f}'}")

    print()
    print("ratios (target)")
    for key in ["channel", "store"]:
        r = [
            ("nps(score, weight) / DataFusion SUM(weight)", "<= 1.25",
             df[(key, "nps_weighted")] / df[(key, "sum_weight")]),
            ("nps(score, weight) / SUM(weight), COUNT(score)", "(same columns)",
             df[(key, "nps_weighted")] / df[(key, "sum_weight_count")]),
            ("nps(score) / DataFusion COUNT(score)", "<= 1.15",
             df[(key, "nps")] / df[(key, "count")]),
            ("nps(score, weight) / DuckDB plain SQL", "<= 1",
             df[(key, "nps_weighted")] / duck[(key, "plain_weighted")]),
            ("nps(score) / DuckDB plain SQL", "<= 1",
             df[(key, "nps")] / duck[(key, "plain")]),
        ]
        for what, goal, v in r:
            print(f"{key:8} {what:46} {v:6.2f}  ({goal})")


if __name__ == "__main__":
    main()
