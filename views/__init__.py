"""What people see, shared by the chat handlers and the background jobs: callback data, formats, the catalogs, notices."""
