"""Django's PostgreSQL backend, told the parameter limit of server-side binding."""
