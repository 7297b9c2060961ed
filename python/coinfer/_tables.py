"""Plain columns and records from the extension, as pandas DataFrames."""

import sys


def pandas_module():
    """pandas, or an ImportError that says which package and which interpreter."""
    try:
        import pandas
    except ImportError as error:
        raise ImportError(f"coinfer's tables need pandas, which {sys.executable} lacks: run Debian's /usr/bin/python3 "
                          "with python3-pandas (scripts/install-deps.sh), the interpreter the module is built for") from error
    return pandas


def frame(columns_or_records):
    """A DataFrame of a dict of columns or a list of records."""
    return pandas_module().DataFrame(columns_or_records)
