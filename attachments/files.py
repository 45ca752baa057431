"""What a stored file is called, typed and served as: names, keys, types, download headers."""

import posixpath
import unicodedata
import uuid
from urllib.parse import quote

from django.core.files.storage import Storage, storages
from django.utils.formats import number_format
from django.utils.translation import ngettext

OCTET_STREAM = "application/octet-stream"
MAX_NAME_LENGTH = 200
# Signed download links live at most this long, whatever S3_URL_EXPIRE says.
SIGNED_URL_MAX_AGE = 300

# The only content types a download is ever labelled with, by file extension. Anything a
# browser could render as a page or run (HTML, SVG, XML, JavaScript) is not here and is
# served as application/octet-stream; every download is an attachment with nosniff anyway.
SAFE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".md": "text/plain",
    ".rtf": "application/rtf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".zip": "application/zip",
    ".eml": "message/rfc822",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
}


def safe_name(raw: str) -> str:
    """Return a display name for an uploaded file: no path, no control characters, bounded.

    The name is only ever shown (escaped) and sent in Content-Disposition; it never
    becomes part of a storage key.
    """
    name = unicodedata.normalize("NFC", str(raw)).replace("\\", "/")
    name = posixpath.basename(name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in ("", ".", ".."):
        return "file"
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = posixpath.splitext(name)
        ext = ext[:16]
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name


def content_type_for(name: str) -> str:
    """The content type a file named `name` is served as: from SAFE_CONTENT_TYPES, or bytes.

    The extension as `posixpath.splitext` reads it (leading dots are not one), found with
    `str.rpartition`, whose cost stays a small linear one on a name of thousands of dots.
    """
    stem, dot, extension = name.rpartition("/")[2].rpartition(".")
    suffix = f".{extension}" if dot and stem.strip(".") else ""
    return SAFE_CONTENT_TYPES.get(suffix.lower(), OCTET_STREAM)


def new_storage_key(organization_id: int) -> str:
    """A fresh, unguessable key under the organization's prefix: `<organization id>/<uuid>`."""
    return f"{organization_id}/{uuid.uuid4().hex}"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII `filename` fallback and the exact RFC 6266 `filename*`."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(
        "_" if ch in '"\\%;' or not ch.isprintable() else ch for ch in fallback
    ).strip()
    stem, dot, ext = fallback.rpartition(".") if "." in fallback else (fallback, "", "")
    if not stem.strip(" ._"):
        fallback = f"download{dot}{ext}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def decimal_size(size: int) -> str:
    """Format a byte count in decimal units, as plans are sold: 100,000,000 bytes is 100 MB.

    Rounded down to one decimal, so that what is left is never shown larger than it is.
    """
    if size < 1000:
        return ngettext("%(count)s byte", "%(count)s bytes", size) % {"count": size}
    for unit, divisor in (("kB", 10**3), ("MB", 10**6), ("GB", 10**9), ("TB", 10**12)):
        if size < divisor * 1000 or unit == "TB":
            break
    tenths = size * 10 // divisor
    decimals = 0 if tenths % 10 == 0 else 1
    return f"{number_format(tenths / 10, decimal_pos=decimals)} {unit}"


def attachment_storage() -> Storage:
    """The storage files live in: Django's default storage (local files or S3)."""
    return storages["default"]


def signed_download_url(key: str, *, name: str, content_type: str) -> str | None:
    """A short-lived signed URL for the object when the storage is S3; None for local files.

    The URL makes S3 answer with our Content-Disposition and content type, whatever the
    object's metadata says.
    """
    from storages.backends.s3 import S3Storage

    storage = attachment_storage()
    if not isinstance(storage, S3Storage):
        return None
    return storage.url(
        key,
        parameters={
            "ResponseContentDisposition": content_disposition(name),
            "ResponseContentType": content_type,
        },
        expire=min(storage.querystring_expire, SIGNED_URL_MAX_AGE),
    )
