from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from places.models import Place

from . import intake, rate_limit
from .forms import ContactForm, SuggestPlaceForm, rate_limit_error

# Contact form, per-entry contact form, "Ort vorschlagen". A post walks one way: the rate limit,
# the form's validation, one service function that saves, a redirect to a thank-you page. A
# repeat or a suspected bot is answered just the same; an over-eager client gets the form back
# with its input and a message. Form pages are never stored by the browser: one restored with
# Back would carry a used form token.


def _form_data(request):
    """The data and files of a POST; nothing, so the form is unbound, for a GET."""
    return (request.POST, request.FILES) if request.method == "POST" else ()


def _form_page(request, form, template, thanks, save, **context):
    """Show the form or handle its POST: a repeat is thanked again; a client over the rate limit
    gets the form back unvalidated (429); a valid form is counted, saved and redirected."""
    context["form"] = form
    if not form.is_bound:
        return render(request, template, context)
    if intake.already_received(form.submission_key):
        return redirect(thanks)
    if rate_limit.limit_reached(request):
        form.refuse(rate_limit_error())
        return render(request, template, context, status=429)
    if not form.is_valid():
        return render(request, template, context)
    if not rate_limit.record(request):
        form.add_error(None, rate_limit_error())
        return render(request, template, context, status=429)
    save(form)
    return redirect(thanks)


def _save_inquiry(form):
    intake.submit_inquiry(
        token=form.submission_key,
        place=form.place,
        data=form.cleaned_data,
        spam=form.is_suspected_bot,
        forward=form.offers_forwarding,
    )


def _save_suggestion(form):
    intake.submit_suggestion(
        token=form.submission_key,
        place=form.instance,
        data=form.cleaned_data,
        photos=form.photos,
        spam=form.is_suspected_bot,
    )


def _contact(request, place=None):
    form = ContactForm(*_form_data(request), place=place)
    return _form_page(
        request,
        form,
        "inquiries/contact_form.html",
        "inquiries:contact-thanks",
        _save_inquiry,
        place=place,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def contact(request):
    return _contact(request)


@never_cache
@require_http_methods(["GET", "POST"])
def place_contact(request, slug):
    return _contact(request, get_object_or_404(Place.objects.published(), slug=slug))


@require_safe
def contact_thanks(request):
    return render(request, "inquiries/contact_thanks.html")


@never_cache
@require_http_methods(["GET", "POST"])
def suggest_place(request):
    form = SuggestPlaceForm(*_form_data(request))
    return _form_page(
        request, form, "inquiries/suggest_form.html", "inquiries:suggest-thanks", _save_suggestion
    )


@require_safe
def suggest_thanks(request):
    return render(request, "inquiries/suggest_thanks.html")


@require_safe
def moved_admin_page(request, model, rest):
    """An admin page of the intake under its old address, /admin/places/…: moved for good."""
    url = f"{reverse('admin:index')}inquiries/{model}/{rest}"
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return redirect(url, permanent=True)
