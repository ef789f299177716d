"""The warehouse: the only package that writes to the DuckDB file.

``writer(path)`` gives a migrated read-write connection on a staging copy
(swapped in atomically); ``reader(path)`` a short-lived read-only one.
Loaders in :mod:`healthdash.warehouse.load` bulk-upsert collector batches.
"""

from healthdash.warehouse.load import load_batch, row_counts, upsert
from healthdash.warehouse.migrate import latest_version, migrate, schema_version
from healthdash.warehouse.store import ensure, reader, writer

__all__ = ["ensure", "latest_version", "load_batch", "migrate", "reader", "row_counts",
           "schema_version", "upsert", "writer"]
