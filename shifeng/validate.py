"""``python -m shifeng.validate [--fingerprint] [DATA_DIR]``: validate the data package.

Exits 1 naming each problem (file, row, field). With ``--fingerprint`` it prints, on
success, the fingerprint of what it validated (and its messages go to stderr): the
Makefile passes it to the build so that notebooks do not validate the same files again.

Without the report (``../shared/sources/`` or ``$SHIFENG_SOURCES``) the quotes cannot be
checked. A reader building the book gets a warning, and the landing page says the quotes
were not checked (:mod:`shifeng.ext.evidence`); under ``make test`` (which sets
``SHIFENG_REQUIRE_REPORT``) and in CI (``CI`` set) it is an error.
"""

import os
import sys

from shifeng.data import DATA_DIR, DataError, fingerprint, report_path, validate


def main(argv: list[str]) -> int:
    want_fingerprint = "--fingerprint" in argv
    args = [a for a in argv if a != "--fingerprint"]
    data_dir = args[0] if args else DATA_DIR
    say = sys.stderr if want_fingerprint else sys.stdout
    if not report_path().exists():
        if os.environ.get("SHIFENG_REQUIRE_REPORT") or os.environ.get("CI"):
            print(
                f"error: the report {report_path()} is not there, so no quote can be checked against it: "
                "put the shared/ folder beside the checkout, or point SHIFENG_SOURCES at its sources/ folder",
                file=sys.stderr,
            )
            return 1
        print(f"warning: {report_path()} not found: quotes were not checked against the report", file=sys.stderr)
    try:
        validate(data_dir)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"data package valid: {data_dir}", file=say)
    if want_fingerprint:
        print(fingerprint(data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
