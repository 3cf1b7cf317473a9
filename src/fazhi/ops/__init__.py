"""Operations: backup and restore, database outage handling, the health check."""
