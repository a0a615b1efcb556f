"""The PDF of a pack: its Word document converted by LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing or could not convert the document."""


def soffice() -> str | None:
    """LibreOffice's command, if installed (Debian: libreoffice-writer-nogui)."""
    return os.environ.get("SAFEGUARDING_SOFFICE") or shutil.which("soffice") or \
        shutil.which("libreoffice")


def to_pdf(docx: bytes, timeout: float = 180) -> bytes:
    """The Word document converted by LibreOffice, headless, with a private profile."""
    command = soffice()
    if not command:
        raise PdfUnavailable("PDF packs need LibreOffice "
                             "(apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="pack-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "pack.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(
                [command, f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                 "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(folder),
                 str(source)], check=True, capture_output=True, timeout=timeout)
        except (OSError, subprocess.SubprocessError) as err:
            raise PdfUnavailable(f"LibreOffice could not convert the pack: {err}") from err
        out = folder / "pack.pdf"
        if not out.exists():
            raise PdfUnavailable("LibreOffice did not write the PDF")
        return out.read_bytes()
