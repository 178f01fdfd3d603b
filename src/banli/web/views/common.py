"""Shared by the page views: turning a domain refusal into a page answer."""

from django.shortcuts import render

from banli.errors import BanliError


def error_page(request, err: BanliError):
    """A refusal or a missing record as a page in the user's language (404 looks like 'not yours')."""
    return render(request, "web/error.html", {"error": err}, status=err.status)
