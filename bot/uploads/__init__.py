"""Files users upload, read into rows the domain can check (CSV and XLSX)."""
