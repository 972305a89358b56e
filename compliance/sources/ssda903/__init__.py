"""The SSDA903 return (children looked after): import, export, the mapping and the code lists.

- `tables`: finding each table of a return by its exact set of columns
- `codes`: the code lists by collection year, in one table
- `mapping`: rows to contract events, with stable ids from the return's natural keys
- `importer`: the use case `import_returns`, year by year, append-only
- `exporter`: the use case `export_year`, the year's tables from the events

docs/ssda903.md has the mapping table, what cannot be mapped and how years stitch.
"""
