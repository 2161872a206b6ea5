"""Reading documents: encodings, .docx, .pdf, and one-line errors for bad input."""
from __future__ import annotations

import codecs
import zipfile

import pytest

from alinea.align.errors import InputError
from alinea.align.normalize import normalize
from alinea.align.read import decode_text, read_document
from alinea.align.segment import segment
from fixtures_docs import make_docx, make_pdf

SPANISH = ("4. La División de Población (DAES) publicó el informe del Sr. Pérez, pág. 3: "
           "«migración», niños y señoras – “comillas” y 1° de julio. ¿Qué más? ¡Éxito!\n"
           "Fin del párrafo con € y ñ.\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_text_encodings(tmp_path, encoding):
    path = tmp_path / f"doc.{encoding}.txt"
    path.write_bytes(SPANISH.encode(encoding))
    assert read_document(path) == SPANISH


def test_latin1_text(tmp_path):
    text = "El Sr. Pérez llegó a la reunión; la señora Núñez, también.\n"
    path = tmp_path / "latin1.md"
    path.write_bytes(text.encode("latin-1"))
    assert read_document(path) == text


def test_short_cp1252_is_not_misdetected():
    # Statistical detectors read short Spanish cp1252 as Cyrillic or Arabic.
    for text in ("Año", "ÁÉÍÓÚ ñ ¿Qué? ¡Sí!", "niños – “comillas”"):
        assert decode_text(text.encode("cp1252")) == text


def test_crlf_and_bom_are_cleaned_by_normalize(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Primera frase del informe.\r\n\r\nSegunda frase.\r\n".encode())
    doc = normalize(read_document(path), "es")
    assert doc.text == "Primera frase del informe.\n\nSegunda frase."


def test_docx_paragraphs_tables_and_superscript_markers(tmp_path):
    path = make_docx(tmp_path / "informe.docx", [
        "Informe del Secretario General",
        [("1. La Asamblea General aprobó la resolución 56/203", False), ("1", True),
         (". El Sr. Pérez la presentó.", False)],
        "2. Otro párrafo con su número.",
    ], table=[["Párrafos", "Página"], ["I. Introducción", "1-3"]])
    text = read_document(path)
    assert "resolución 56/203¹. El Sr." in text
    assert text.count("\n\n") >= 4
    doc = normalize(text, "es")
    assert doc.footnote_refs and doc.footnote_refs[0][1] == "1"
    sentences = segment(doc, "es")
    assert [s.text for s in sentences if s.number == "1"] == [
        "1. La Asamblea General aprobó la resolución 56/203.", "El Sr. Pérez la presentó."]
    assert any(s.text == "I. Introducción\t1-3" for s in sentences)


def test_pdf_pages_are_read_and_rejoined(tmp_path):
    path = make_pdf(tmp_path / "report.pdf", [
        ["Informe del Secretario General",
         "1. La Asamblea General pidió al Secretario General que le",
         "presentara un informe sobre la migración internacional y el",
         "desarrollo. El informe se preparó en consulta con los órganos y"],
        ["organismos del sistema de las Naciones Unidas (párr. 4).",
         "2. Otro párrafo numerado con su propia frase."],
    ])
    text = read_document(path)
    assert "Informe del Secretario General" in text and "párr. 4" in text
    doc = normalize(text, "es")
    sentences = segment(doc, "es")
    body = [(s.number, s.text) for s in sentences if s.kind == "body"]
    assert body == [
        ("1", "1. La Asamblea General pidió al Secretario General que le presentara un informe "
              "sobre la migración internacional y el desarrollo."),
        ("1", "El informe se preparó en consulta con los órganos y organismos del sistema de las "
              "Naciones Unidas (párr. 4)."),
        ("2", "2. Otro párrafo numerado con su propia frase."),
    ]


@pytest.mark.parametrize("name, content, message", [
    ("notes.rtf", b"{\\rtf1 hola}", "is an RTF file"),
    ("notes.txt", b"{\\rtf1 hola}", "is an RTF file"),  # the content decides, not the suffix
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 binary", "an old Word/Excel file"),
    ("empty.txt", b"", "file is empty"),
    ("blank.txt", b"  \n\n\t ", "file is empty"),
    ("image.txt", bytes(range(256)) * 8, "binary"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "damaged zip archive"),
    ("broken.pdf", b"%PDF-1.4\n garbage without objects", "not a readable PDF"),
])
def test_bad_files_give_one_line_input_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_document(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "absent.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_document(folder)


def test_docx_without_text_and_zip_that_is_not_word(tmp_path):
    empty = make_docx(tmp_path / "empty.docx", [])
    with pytest.raises(InputError, match="no text found"):
        read_document(empty)
    fake = tmp_path / "fake.docx"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    with pytest.raises(InputError, match="is a zip archive, not a document"):
        read_document(fake)


def test_encrypted_pdfs(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", [["El informe se aprobó. Luego se votó."]])
    for password, name in (("", "open.pdf"), ("secret", "locked.pdf")):
        writer = PdfWriter(clone_from=PdfReader(str(plain)))
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        writer.write(str(tmp_path / name))
    assert "El informe se aprobó." in read_document(tmp_path / "open.pdf")
    with pytest.raises(InputError, match="encrypted with a password"):
        read_document(tmp_path / "locked.pdf")


def test_pdf_without_text(tmp_path):
    path = make_pdf(tmp_path / "blank.pdf", [[]])
    with pytest.raises(InputError, match="no text found"):
        read_document(path)


def test_cli_segment_formats(run_cli, tmp_path):
    import json

    path = tmp_path / "doc.txt"
    path.write_text("Informe del Secretario General\n\n4. El Sr. Pérez habló. Luego se votó.\n", encoding="cp1252")
    text = run_cli("segment", path, "--lang", "es")
    assert text.exit_code == 0
    assert text.output.splitlines() == [
        "Informe del Secretario General", "4. El Sr. Pérez habló.", "Luego se votó."]
    tsv = run_cli("segment", path, "--lang", "es", "--format", "tsv").output.splitlines()
    assert tsv[0] == "index\tparagraph\tnumber\tkind\tstart\tend\ttext"
    assert tsv[2].split("\t")[2:4] == ["4", "body"]
    rows = json.loads(run_cli("segment", path, "--lang", "es", "--format", "json").output)
    assert [r["number"] for r in rows] == [None, "4", "4"]
    assert rows[2]["text"] == "Luego se votó." and rows[2]["paragraph"] == 1


def test_cli_segment_bad_file_is_one_line_error(run_cli, tmp_path):
    path = tmp_path / "doc.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    result = run_cli("segment", path, "--lang", "es")
    assert result.exit_code == 2
    assert result.output.strip().startswith("alinea: error:") and "OpenDocument" in result.output
