"""Citizen-report fixtures: the personas' city (新北 = district A, 武进 = district B), a district A
inspector, the storage in a temporary directory (to see that nothing is left behind), and helpers
that build photos (a JPEG with GPS EXIF, a PNG) and submit a report."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import City, Personas, make_user
from safecity.citizenreports.models import CitizenReport
from safecity.citizenreports.services.submit import report_submit
from safecity.core.choices import Role

IN_A = ("31.870000", "119.965000")  # 新北区
IN_B = ("31.700000", "119.940000")  # 武进区
NANJING = ("32.060000", "118.790000")


def gps_jpeg(name: str = "scene.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    """A JPEG whose EXIF says where it was taken (GPS) and by which phone."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    gps = {1: "N", 2: (31.0, 52.0, 12.0), 3: "E", 4: (119.0, 57.0, 54.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(name: str = "p.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 120, 200, 128)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def not_an_image(name: str = "invoice.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 not a picture at all", content_type="image/jpeg")


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@dataclass
class CR:
    city: City
    personas: Personas
    inspector_a: Any
    media: Path

    def submit(self, *, point: tuple[str, str] = IN_A, **extra: Any) -> CitizenReport:
        values: dict[str, Any] = {"description": "消防通道被货物堵死", "phone": "13912345678", "photos": [gps_jpeg()]}
        values.update(extra)
        return report_submit(latitude=point[0], longitude=point[1], **values)


@pytest.fixture
def cr(city: City, personas: Personas, settings: Any, tmp_path: Path) -> CR:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    inspector = make_user(city, "inspector_a", city.bureau_a, Role.INSPECTOR, city.district_a)
    return CR(city=city, personas=personas, inspector_a=inspector, media=tmp_path / "media")
