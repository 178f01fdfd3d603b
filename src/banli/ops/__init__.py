"""Operations on the installation as a whole (issue 15.7): backing up and restoring the database
and the attachment files together (`backup.py`, `restore.py`; the commands `manage.py backup` and
`manage.py restore`). It reads Django's settings and connection and nothing of the case data."""
