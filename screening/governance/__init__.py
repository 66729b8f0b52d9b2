"""Information governance: backups and restores, and the data map for the DPIA."""
