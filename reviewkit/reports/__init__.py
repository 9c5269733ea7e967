"""Reports as plain data, then thin adapters to CSV / XLSX / PDF."""
