from io import BytesIO

from PIL import Image


def png_bytes(size=(60, 40), colour=(31, 91, 58)):
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()
