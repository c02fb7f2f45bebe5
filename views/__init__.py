"""What handlers and jobs both show: callback data, formats, the catalogs, notices."""
