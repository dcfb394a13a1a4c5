"""The demo loader: organisations, people and ledgers built from the seeds. It sits above
every app (one module of data per app) and is loaded by ``taizhang demo``."""
