"""Operations: health check, backups, SQLite transaction handling."""
