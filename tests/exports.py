"""Real-world-shaped exports for the import tests: ACLED's and GDELT 2.0's column layouts.

Column names as in their public documentation: ACLED's codebook (the API / export columns)
and GDELT 2.0's event table (61 columns, as in its BigQuery export with a header row).
The values are made up, deterministically.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip

GDELT_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID", "DATEADDED", "SOURCEURL",
]  # fmt: skip

ACLED_MAP = [
    "id=acled-{event_id_cnty}",
    "occurred=event_date",
    "title=notes",
    "actors={actor1};{assoc_actor_1}",
    "targets=actor2",
    "tags={event_type};{sub_event_type}",
    "source=source",
    "notes={location}, {admin1}, {country}; fatalities: {fatalities}",
]
GDELT_MAP = [
    "id=gdelt-{GLOBALEVENTID}",
    "occurred=SQLDATE",
    "title={Actor1Name} - CAMEO {EventCode} - {Actor2Name}",
    "actors=Actor1Name",
    "targets=Actor2Name",
    "tags=cameo-{EventRootCode}",
    "source=SOURCEURL",
]

_TYPES = [
    ("Protests", "Peaceful protest"),
    ("Riots", "Violent demonstration"),
    ("Strategic developments", "Agreement"),
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
]
_PLACES = [("Ukraine", "UKR", "Kyiv City", "Kyiv"), ("Russia", "RUS", "Moscow", "Moscow"), ("Belgium", "BEL", "Brussels", "Brussels")]


def acled_row(n: int, rng: random.Random) -> dict[str, str]:
    event_type, sub_type = _TYPES[n % len(_TYPES)]
    country, iso, admin1, location = _PLACES[n % len(_PLACES)]
    day = 1 + n % 28
    return {
        "event_id_cnty": f"{iso}{10000 + n}",
        "event_date": f"2022-02-{day:02d}",
        "year": "2022",
        "time_precision": "1",
        "disorder_type": "Political violence" if event_type in ("Battles", "Explosions/Remote violence") else "Demonstrations",
        "event_type": event_type,
        "sub_event_type": sub_type,
        "actor1": f"Protesters ({country})" if event_type == "Protests" else f"Military Forces of {country} (2000-)",
        "assoc_actor_1": rng.choice(["", "Labour Group (International)", "Students (International)"]),
        "inter1": str(rng.randint(1, 8)),
        "actor2": rng.choice(["", "Civilians (International)", "Police Forces of Russia (2000-)"]),
        "assoc_actor_2": "",
        "inter2": "0",
        "interaction": str(rng.randint(10, 80)),
        "civilian_targeting": "",
        "iso": str(rng.randint(1, 900)),
        "region": "Europe",
        "country": country,
        "admin1": admin1,
        "admin2": "",
        "admin3": "",
        "location": location,
        "latitude": f"{rng.uniform(44, 56):.4f}",
        "longitude": f"{rng.uniform(4, 40):.4f}",
        "geo_precision": "1",
        "source": rng.choice(["Ukrinform", "Kyiv Independent; Reuters", "Meduza"]),
        "source_scale": "National",
        "notes": f'On {day} February 2022, event {n}: {sub_type.lower()} in {location}, "as reported", with details.',
        "fatalities": str(rng.randint(0, 3)),
        "tags": "crowd size=no report" if event_type == "Protests" else "",
        "timestamp": str(1_646_000_000 + n),
    }


def write_acled(path: Path, count: int, broken: dict[int, dict[str, str]]) -> None:
    """``count`` rows; row n (0-based) is changed by ``broken[n]``. Data row n is spreadsheet row n + 2."""
    rng = random.Random(2022)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ACLED_COLUMNS)
        writer.writeheader()
        for n in range(count):
            writer.writerow({**acled_row(n, rng), **broken.get(n, {})})


def gdelt_row(n: int, rng: random.Random) -> dict[str, str]:
    day = 1 + n % 28
    row = dict.fromkeys(GDELT_COLUMNS, "")
    code = rng.choice(["0311", "163", "1621", "042", "051"])
    row.update(
        {
            "GLOBALEVENTID": str(1_028_000_000 + n),
            "SQLDATE": f"202202{day:02d}",
            "MonthYear": "202202",
            "Year": "2022",
            "FractionDate": f"{2022 + (31 + day) / 365:.4f}",
            "Actor1Code": "EUR",
            "Actor1Name": rng.choice(["EUROPEAN UNION", "UNITED STATES", "UNITED KINGDOM"]),
            "Actor2Code": "RUS",
            "Actor2Name": "RUSSIA",
            "IsRootEvent": "1",
            "EventCode": code,
            "EventBaseCode": code[:3],
            "EventRootCode": code[:2],
            "QuadClass": "4",
            "GoldsteinScale": "-8.0",
            "NumMentions": str(rng.randint(1, 40)),
            "NumSources": "1",
            "NumArticles": str(rng.randint(1, 40)),
            "AvgTone": f"{rng.uniform(-8, 2):.6f}",
            "ActionGeo_Type": "1",
            "ActionGeo_FullName": "Russia",
            "ActionGeo_CountryCode": "RS",
            "DATEADDED": f"202202{day:02d}{n % 24:02d}1500",
            "SOURCEURL": f"https://news.example.org/2022/02/{day:02d}/story-{n}",
        }
    )
    return row


def write_gdelt(path: Path, count: int, broken: dict[int, dict[str, str]]) -> None:
    rng = random.Random(61)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, GDELT_COLUMNS)
        writer.writeheader()
        for n in range(count):
            writer.writerow({**gdelt_row(n, rng), **broken.get(n, {})})
