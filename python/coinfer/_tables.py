"""Plain columns and records from the extension, as pandas DataFrames."""


def frame(columns_or_records):
    """A DataFrame of a dict of columns or a list of records (pandas imported on first use)."""
    import pandas

    return pandas.DataFrame(columns_or_records)
