"""Small .pdf and .docx documents made at test time (no binary fixtures in git)."""
from __future__ import annotations

from pathlib import Path


def _pdf_string(line: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252) with the special bytes escaped."""
    raw = line.encode("cp1252")
    out = bytearray(b"(")
    for byte in raw:
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte > 126:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Write a minimal PDF: one page per list, one text line per string (Helvetica)."""
    objects: list[bytes] = []
    n_pages = len(pages)
    # 1 catalog, 2 pages, 3 font, then (page, content) pairs.
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        stream = b"BT /F1 11 Tf 14 TL 50 780 Td " + b" ".join(
            _pdf_string(line) + b" Tj T*" for line in lines) + b" ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path, paragraphs: list[str | list[tuple[str, bool]]],
              table: list[list[str]] | None = None) -> Path:
    """Write a .docx; a paragraph is a string or a list of (text, superscript) runs."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        if isinstance(paragraph, str):
            document.add_paragraph(paragraph)
            continue
        p = document.add_paragraph()
        for text, superscript in paragraph:
            run = p.add_run(text)
            run.font.superscript = superscript
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.save(str(path))
    return path


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = (f'xmlns:w="{_W_NS}" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
               'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
               'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
               'xmlns:v="urn:schemas-microsoft-com:vml" '
               'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"')


def make_docx_xml(path: Path, body: str, footnotes: list[str] | None = None,
                  endnotes: list[str] | None = None, settings: str = "", hyperlink: str = "",
                  numbering: str = "", styles: str = "") -> Path:
    """Write a .docx from WordprocessingML written by hand, as Word writes it.

    ``body`` is the content of ``w:body``; ``footnotes``/``endnotes`` are the
    contents of the notes with ids 1, 2 … (Word's separator notes -1 and 0 are
    added); ``settings`` goes inside ``w:settings``; ``hyperlink`` is the target
    of relationship ``rIdLink``; ``numbering`` and ``styles`` are the contents of
    ``w:numbering`` and ``w:styles`` (list definitions, paragraph styles).
    """
    import zipfile

    def notes_part(tag: str, notes: list[str]) -> str:
        separators = (f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
                      f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
                      f'<w:continuationSeparator/></w:r></w:p></w:{tag}>')
        items = "".join(f'<w:{tag} w:id="{i}">{xml}</w:{tag}>' for i, xml in enumerate(notes, start=1))
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:{tag}s {_NAMESPACES}>{separators}{items}</w:{tag}s>')

    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    types = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
             '<Default Extension="xml" ContentType="application/xml"/>',
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.wordprocessingml.document.main+xml"/>',
             '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.wordprocessingml.settings+xml"/>']
    rels = [f'<Relationship Id="rIdSettings" Type="{rel}/settings" Target="settings.xml"/>']
    parts = {"word/settings.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                  f'<w:settings {_NAMESPACES}>{settings}</w:settings>'}
    for tag, notes in (("footnote", footnotes), ("endnote", endnotes)):
        if notes is not None:
            types.append(f'<Override PartName="/word/{tag}s.xml" ContentType="application/vnd.openxmlformats-'
                         f'officedocument.wordprocessingml.{tag}s+xml"/>')
            rels.append(f'<Relationship Id="rId{tag}" Type="{rel}/{tag}s" Target="{tag}s.xml"/>')
            parts[f"word/{tag}s.xml"] = notes_part(tag, notes)
    for name, content in (("numbering", numbering), ("styles", styles)):
        if content:
            types.append(f'<Override PartName="/word/{name}.xml" ContentType="application/vnd.openxmlformats-'
                         f'officedocument.wordprocessingml.{name}+xml"/>')
            rels.append(f'<Relationship Id="rId{name}" Type="{rel}/{name}" Target="{name}.xml"/>')
            parts[f"word/{name}.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                         f"<w:{name} {_NAMESPACES}>{content}</w:{name}>")
    if hyperlink:
        rels.append(f'<Relationship Id="rIdLink" Type="{rel}/hyperlink" Target="{hyperlink}" TargetMode="External"/>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/content-types">' + "".join(types) + "</Types>")
        archive.writestr("_rels/.rels",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                         f'{rel}/officeDocument" Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml",
                         f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_NAMESPACES}>'
                         f"<w:body>{body}</w:body></w:document>")
        archive.writestr("word/_rels/document.xml.rels",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/relationships">' + "".join(rels) + "</Relationships>")
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return path
