"""The district leader's portfolio on one page made for a phone: a card per unit supervised, the
unit doing worst first (banli.reports.portfolio says what is counted and how)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from banli.reports.portfolio import portfolio


@login_required
def portfolio_page(request):
    cards = portfolio(request.user)
    return render(request, "web/portfolio.html", {
        "cards": cards, "today": timezone.localdate(), "late_units": sum(1 for c in cards if c["late_count"]),
        "late_items": sum(c["late_count"] for c in cards),
    })
