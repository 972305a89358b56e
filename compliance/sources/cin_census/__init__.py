"""The DfE children in need (CIN) census: read a year's return into the contract's facts,
and write the synthetic council as one. See docs/cin-census.md for the mapping."""
