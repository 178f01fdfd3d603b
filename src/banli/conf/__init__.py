"""Parts of banli.settings, by concern; settings.py imports each whole."""
