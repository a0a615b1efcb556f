"""``python -m etl.geo download [--authority CODE]``."""

from etl.geo.lsoa import main

raise SystemExit(main())
