"""The error page, for a view that answers a refusal itself rather than raising it (banli.middleware
answers every BanliError a view raises)."""

from banli.middleware import error_page

__all__ = ["error_page"]
