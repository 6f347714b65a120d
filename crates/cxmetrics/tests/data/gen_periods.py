"""Expected period buckets for `cxmetrics`'s `CivilDate`, `Period` and
`PeriodUnit` (issue 18, item 3), computed with Python's `datetime` and
`calendar` only, independently of the Rust code.

Run: python3 gen_periods.py > periods.json   (standard library only)

Three tables:

- `dates`, each row with every bucket of its date: dates across leap years
  (1900, 2000, 2024, 2100), ISO week-year boundaries, month, quarter and
  year ends, the ends of the range (0001-01-01, 9999-12-31), random dates
  1970-2100, and every date of the two tables below;
- `date_times`: [cell, date as written, UTC date] for date-time cells in
  several spellings (T or space, seconds or not, fractions, Z, +hh:mm,
  +hhmm, +hh), with offsets that cross midnight, month and year ends (the
  same clock without an offset, whose UTC date is the date as written);
- `unix`: [Unix seconds, UTC date], negative seconds included.

A bucket row is [date, days since 1970-01-01, ISO weekday, day label,
ISO week label, Monday of the ISO week, month label, quarter label,
first day of the quarter, year label].
"""
import calendar
import json
import random
from datetime import date, datetime, timedelta, timezone

EPOCH = date(1970, 1, 1)


def buckets(d):
    wy, wk, wd = d.isocalendar()
    monday = d - timedelta(days=wd - 1)
    q = (d.month - 1) // 3 + 1
    return [
        d.isoformat(),
        (d - EPOCH).days,
        wd,
        d.isoformat(),
        f"{wy:04d}-W{wk:02d}",
        monday.isoformat(),
        f"{d.year:04d}-{d.month:02d}",
        f"{d.year:04d}-Q{q}",
        date(d.year, 3 * q - 2, 1).isoformat(),
        f"{d.year:04d}",
    ]


def special_dates():
    out = set()
    for y in [1, 2, 4, 100, 400, 1582, 1600, 1899, 1900, 1901, 1969, 1970,
              1971, 1999, 2000, 2001, 2004, 2015, 2016, 2019, 2020, 2021,
              2023, 2024, 2025, 2026, 2027, 2032, 2037, 2038, 2099, 2100,
              2101, 2400, 9998, 9999]:
        # Every month's first and last day, and the days around New Year
        # where ISO weeks change year.
        for m in range(1, 13):
            out.add(date(y, m, 1))
            out.add(date(y, m, calendar.monthrange(y, m)[1]))
        for day in range(1, 8):
            out.add(date(y, 1, day))
        for day in range(25, 32):
            out.add(date(y, 12, day))
        if calendar.isleap(y):
            out.add(date(y, 2, 29))
        else:
            out.add(date(y, 2, 28))
        out.add(date(y, 3, 1))
    # Named cases from the issue.
    for s in ["2020-12-31", "2021-01-03", "2024-12-30", "2026-03-14",
              "2015-12-31", "2016-01-03", "2008-12-29", "2010-01-03"]:
        out.add(date.fromisoformat(s))
    # Every year-end week, 1990-2060: catches every 53-week year.
    for y in range(1990, 2061):
        for k in range(-4, 5):
            out.add(date(y, 12, 31) + timedelta(days=k))
    return out


def random_dates(rng, n):
    lo = date(1970, 1, 1).toordinal()
    hi = date(2100, 12, 31).toordinal()
    return {date.fromordinal(rng.randint(lo, hi)) for _ in range(n)}


def offset_text(minutes, style):
    if minutes == 0 and style == "Z":
        return "Z"
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    if style == "colon" or style == "Z":
        return f"{sign}{h:02d}:{m:02d}"
    if style == "compact":
        return f"{sign}{h:02d}{m:02d}"
    return f"{sign}{h:02d}"  # hours only; m is 0


def date_times(rng):
    rows = []
    offsets = [0, 60, -60, 330, -300, 345, 540, -600, 720, 840, -720, -570,
               23 * 60 + 59, -(23 * 60 + 59)]
    base = sorted(special_dates())
    picks = [d for d in base if 1970 <= d.year <= 2100 and
             (d.day in (1, 31) or (d.month, d.day) in ((2, 28), (2, 29)))]
    picks = rng.sample(picks, 200) + sorted(random_dates(rng, 100))
    for d in picks:
        for _ in range(2):
            # Late and early in the day, so offsets cross midnight.
            hour = rng.choice([0, 1, 2, 12, 21, 22, 23])
            minute = rng.randint(0, 59)
            second = rng.randint(0, 59)
            off = rng.choice(offsets)
            style = rng.choice(["Z", "colon", "compact", "hours"])
            if style == "hours":
                off -= off % 60 if off >= 0 else -((-off) % 60)
            if style == "Z":
                off = 0
            sep = rng.choice(["T", " "])
            frac = rng.choice(["", ".5", ".123456", ",25"])
            with_seconds = rng.random() < 0.85
            clock = f"{hour:02d}:{minute:02d}"
            if with_seconds:
                clock += f":{second:02d}{frac}"
            else:
                second = 0
            tz = timezone(timedelta(minutes=off))
            local = datetime(d.year, d.month, d.day, hour, minute, second,
                             tzinfo=tz)
            utc = local.astimezone(timezone.utc).date()
            text = f"{d.isoformat()}{sep}{clock}{offset_text(off, style)}"
            rows.append([text, d.isoformat(), utc.isoformat()])
            # The same clock without an offset is taken as written.
            rows.append([f"{d.isoformat()}{sep}{clock}", d.isoformat(),
                         d.isoformat()])
    return rows


def unix_rows(rng):
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    secs = {0, 1, -1, 86399, 86400, -86400, -86401, 951782400, 951868799,
            1773480764, 2**31 - 1, -2**31, 4102444800, -62135596800,
            253402300799, -2208988800}
    for _ in range(300):
        secs.add(rng.randint(-2208988800, 4133980799))
    for _ in range(40):
        secs.add(rng.randint(-62135596800, 253402300799))
    rows = []
    for s in sorted(secs):
        d = (epoch + timedelta(seconds=s)).date()
        rows.append([s, d.isoformat()])
    return rows


def main():
    rng = random.Random(20260314)
    dts = date_times(rng)
    unix = unix_rows(rng)
    # Every date a date-time or Unix time falls on is in the bucket table.
    seen = {date.fromisoformat(r[i]) for r in dts for i in (1, 2)}
    seen |= {date.fromisoformat(r[1]) for r in unix}
    dates = sorted(special_dates() | random_dates(rng, 400) | seen)
    out = {
        "generator": "tests/data/gen_periods.py",
        "columns": ["date", "days", "iso_weekday", "day", "iso_week",
                    "iso_week_monday", "month", "quarter",
                    "quarter_first_day", "year"],
        "dates": [buckets(d) for d in dates],
        "date_times": dts,
        "unix": unix,
    }
    # One row a line, so that a change shows in a diff.
    parts = []
    for key, value in out.items():
        if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
            rows = ",\n".join(json.dumps(r, separators=(",", ":")) for r in value)
            parts.append(f"{json.dumps(key)}:[\n{rows}\n]")
        else:
            parts.append(f"{json.dumps(key)}:{json.dumps(value)}")
    print("{\n" + ",\n".join(parts) + "\n}")


if __name__ == "__main__":
    main()
