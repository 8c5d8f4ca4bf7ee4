"""Data the seed does not have: one photo on the first published entry.

Run inside the throwaway site (`python -m scripts.audit.fixtures` with its environment); prints
the slugs the page paths use as JSON on the last line.
"""

import io
import json

ALT_TEXT = "Ein Haus mit rotem Dach auf einer Wiese unter blauem Himmel"


def photo_bytes():
    """A 1600 × 1067 JPEG: sky, roof and wall, so renditions and the layout have a real photo."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (1600, 1067), (118, 150, 96))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 0, 1600, 500], fill=(176, 205, 228))
    draw.polygon([(500, 700), (800, 420), (1100, 700)], fill=(163, 71, 45))
    draw.rectangle([560, 700, 1040, 1000], fill=(230, 220, 200))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def add_photo():
    """Give the first published entry (by slug) a photo; return it and the next one's slug."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from places.images import make_renditions
    from places.models import Place, PlaceImage

    photo, plain = Place.objects.published().order_by("slug")[:2]
    image = PlaceImage.objects.create(
        place=photo,
        image=SimpleUploadedFile("audit-foto.jpg", photo_bytes(), "image/jpeg"),
        alt_text=ALT_TEXT,
        credit="Foto: Audit",
    )
    make_renditions(image)
    return {"photo": photo.slug, "plain": plain.slug}


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(add_photo()))
