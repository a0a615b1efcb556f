"""Official releases (DfE Explore Education Statistics, ONS estimates, lookups): reading,
tidying, benchmarking and the statistics behind it."""
