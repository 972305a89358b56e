"""Sources of facts: the contract's event files, the SSDA903 return, the CIN census.

Each source turns its own format into the contract's events and stores them through the
same import (one transaction per file or return, de-duplicated by id).
"""
