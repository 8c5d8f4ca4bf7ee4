from django.conf import settings
from django.shortcuts import render


def lockout(request, original_response=None, credentials=None):
    """django-axes' lockout page, in German, with the wait in minutes (429)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "editorial/lockout.html", context, status=429)
