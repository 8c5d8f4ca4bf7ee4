from django.core.management.base import BaseCommand

from places.images import make_renditions
from places.models import PlaceImage


class Command(BaseCommand):
    help = "Write the smaller WebP copies (srcset) of photos without them; --all redoes all."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="also photos that have copies")

    def handle(self, *args, all, **options):
        images = PlaceImage.objects.all() if all else PlaceImage.objects.filter(renditions={})
        done = 0
        for place_image in images.iterator():
            try:
                make_renditions(place_image)
            except OSError as error:
                self.stderr.write(f"{place_image.image.name}: {error}")
                continue
            done += 1
        self.stdout.write(f"Renditions written for {done} photo(s).")
