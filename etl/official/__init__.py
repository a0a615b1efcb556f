"""Official releases in ``$SAFEGUARDING_EXTERNAL_DIR/dfe/``, tidied into the processed contract.

Each CSV file is recognised by its columns, never by its name (DfE renames
``…_2013_to_2024.csv`` to ``…_2013_to_2025.csv`` every year), and columns are
selected by name. From the Explore Education Statistics (EES) releases the ETL
makes one long table per dataset with every geographic level (England, regions,
local authorities), and on top of the published figures:

- rates per 10,000 children recomputed from the counts and the ONS mid-year
  estimate of children aged 0 to 17 for the *previous* year (2024 rates use
  mid-2023), checked against any rate the release publishes;
- 95% and 99.8% confidence intervals (Byar for rates, Wilson for percentages)
  and the Fingertips comparison with England (``statistics``);
- each local authority's rank and quartile per measure and year;
- every authority's ten statistical neighbours.

Periods: DfE's ``time_period`` 2024 with ``time_identifier`` "Reporting year"
is the year ending 31 March 2024. Flows over that year (referrals, enquiries,
plans started) get the financial year ``2023-24``; counts taken on 31 March
(children in need, on a plan or looked after at 31 March) get the snapshot
``2024-03-31``, as the report tables do. ONS estimates are for 30 June.

Modules: ``definitions`` (what a release and its items are), ``catalogue`` (the curated
releases, read from ``data/raw/releases.toml``), ``generic`` (any other file in the EES
layout), ``reading`` (cells to numbers, years and places), ``measures`` (a measure's rows,
periods, symbols and published-rate checks), ``revisions`` (several files of one release:
the newest figure kept, each revision listed), ``benchmarking`` (confidence limits,
England, rank and quartile), ``lookups`` (neighbours, the LTLA–UTLA lookup, LAIT
polarities), ``importer`` (``import_releases``, the whole import) and ``statistics``.
"""
