"""What an import decided, as one comparable summary: ``outcome.py DATABASE_URL OUT.json``.

Written to check that a change leaves every decision as it was: run the same file into two
fresh databases (before and after), then ``diff`` the two outputs. Holds the last run's
counts; every report line (row, code, field, column, value, severity, params, person,
other row) and every imported row (outcome, person, fingerprint), as md5s with their
counts (the lines themselves in ``OUT.json.issues``); md5s of the persons, documents,
phones, follow-ups and matching keys in id order. Ties between candidates of exactly the
same score are broken by the order of Python sets, which follows the hash seed: compare
runs made with the same ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import psycopg

_RUN = ("SELECT cursor, created, matched, possible_duplicates, duplicates_in_file, invalid, "
        "already_imported, households_created, total_rows, status FROM imports_importrun "
        "ORDER BY id DESC LIMIT 1")
_ISSUES = ('SELECT row, code, field, "column", value, severity, params::text, person_id, '
           "other_row FROM imports_importissue ORDER BY row, code, field, id")
_ROWS = ("SELECT row, outcome, person_id, fingerprint FROM imports_importedrow "
         "ORDER BY row")
_TABLES = {
    "persons": ("registry_person", "id, first_name_ar, first_name_lat, family_name_ar, "
                "family_name_lat, father_name_ar, father_name_lat, mother_name_ar, "
                "mother_name_lat, sex, birth_date, birth_year, birth_approximate, "
                "commune_id, address, name_key, languages::text, vulnerabilities::text, "
                "registered_at_id", "id"),
    "documents": ("registry_identitydocument", "person_id, kind, number, country, "
                  "none_reason", "person_id, kind, number"),
    "phones": ("registry_phone", "person_id, number, kind, note", "person_id, number"),
    "follows": ("registry_personfollow", "person_id, centre_id, until", "person_id"),
    "keys": ("registry_personmatchkey", "person_id, key", "person_id, key"),
}


def _md5(rows) -> str:
    return hashlib.md5(repr(rows).encode(), usedforsecurity=False).hexdigest()


def main() -> None:
    url, out = sys.argv[1], Path(sys.argv[2])
    with psycopg.connect(url) as conn:
        issues = conn.execute(_ISSUES).fetchall()
        rows = conn.execute(_ROWS).fetchall()
        result = {"run": conn.execute(_RUN).fetchone(), "issues": [len(issues), _md5(issues)],
                  "imported_rows": [len(rows), _md5(rows)]}
        for name, (table, columns, order) in _TABLES.items():
            # Table and column names are the constants above.
            result[name] = conn.execute(
                f"SELECT count(*), md5(string_agg(concat_ws('|', {columns}), ',' "  # noqa: S608
                f"ORDER BY {order})) FROM {table}").fetchone()
    out.write_text(json.dumps(result, indent=1, default=str) + "\n")
    out.with_suffix(out.suffix + ".issues").write_text("\n".join(map(repr, issues)) + "\n")


if __name__ == "__main__":
    main()
