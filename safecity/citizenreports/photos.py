"""A citizen's photo made safe to show: decoded by Pillow (anything that is not an image is
refused in words), turned upright by its EXIF orientation, scaled to at most
``photo_max_side`` pixels, and re-encoded as a plain JPEG that carries no EXIF, no XMP and no ICC
profile. The EXIF of a phone's photo holds where it was taken (GPS), when, and the phone's make and
serial: none of that reaches the storage, so nobody who later sees the photo learns it.

Pure: bytes in, bytes out; nothing is written here (the service stores the result)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from safecity.citizenreports import rules

# What a phone or a browser sends; everything else is refused.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "MPO"})


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int


def _refuse(name: str) -> ValidationError:
    return ValidationError(_("“%(name)s” is not a photo: send JPEG, PNG or WebP pictures.") % {"name": name}, code="not_an_image")


def photo_clean(file: IO[bytes], *, name: str = "") -> CleanPhoto:
    """The photo re-encoded without its metadata; ValidationError (in words) for anything else."""
    label = (name or _("the file"))[:80]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(file)
            image: Image.Image = opened
            if opened.format not in ACCEPTED_FORMATS:
                raise _refuse(label)
            if image.width * image.height > rules.photo_max_pixels():
                raise ValidationError(
                    _("“%(name)s” has too many pixels; send a smaller picture.") % {"name": label}, code="too_large"
                )
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as error:
        raise _refuse(label) from error
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        ground = Image.new("RGB", image.size, (255, 255, 255))
        ground.paste(image, mask=image.getchannel("A"))
        image = ground
    elif image.mode != "RGB":
        image = image.convert("RGB")
    side = rules.photo_max_side()
    image.thumbnail((side, side))
    out = io.BytesIO()
    # Pillow carries a JPEG's or GIF's comment (and other ``info`` entries) into the new file unless
    # told otherwise: a comment may name the phone or its owner. The pixels only.
    image.info = {}
    image.save(out, format="JPEG", quality=85, optimize=True, comment=b"")
    return CleanPhoto(content=out.getvalue(), width=image.width, height=image.height)
