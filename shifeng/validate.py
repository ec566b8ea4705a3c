"""``python -m shifeng.validate [DATA_DIR]``: validate the data package, exit 1 naming each problem."""

import sys

from shifeng.data import DATA_DIR, DataError, report_path, validate


def main(argv: list[str]) -> int:
    data_dir = argv[0] if argv else DATA_DIR
    if not report_path().exists():
        print(f"warning: {report_path()} not found: quotes were not checked against the report", file=sys.stderr)
    try:
        validate(data_dir)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"data package valid: {data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
