"""Reading documents: encodings, .docx, .pdf, and one-line errors for bad input."""
from __future__ import annotations

import codecs
import re
import zipfile

import pytest
from fixtures_docs import make_docx, make_docx_xml, make_pdf

from alinea.align.errors import InputError
from alinea.align.normalize import normalize
from alinea.align.read import decode_text, read_document
from alinea.align.segment import segment

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
    path.write_bytes(codecs.BOM_UTF8 + b"Primera frase del informe.\r\n\r\nSegunda frase.\r\n")
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


# ------------------------------------------------------------ .docx as Word's final view shows it

def _run(text: str, props: str = "") -> str:
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


_INS = '<w:ins w:id="{}" w:author="Revisor" w:date="2024-05-02T10:00:00Z">{}</w:ins>'
_DEL = ('<w:del w:id="{}" w:author="Revisor" w:date="2024-05-02T10:00:00Z">'
        '<w:r><w:delText xml:space="preserve">{}</w:delText></w:r></w:del>')
_SUPERSCRIPT = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'


def test_docx_tracked_changes_read_as_accepted(tmp_path, run_cli):
    """The reviewer's case: a tracked insertion was lost ("se celebró en en 2003")."""
    body = ("<w:p>" + _run("La reunión se celebró en ") + _INS.format(1, _run("Ginebra"))
            + _DEL.format(2, "Nueva York") + _run(" en 2003.") + "</w:p>"
            # A moved sentence: moved-to text in, moved-from text out.
            + "<w:p>" + '<w:moveFrom w:id="3" w:author="R" w:date="2024-05-02T10:00:00Z"><w:r>'
            '<w:delText>Texto movido. </w:delText></w:r></w:moveFrom>' + _run("El Comité aprobó el informe.")
            + '<w:moveTo w:id="4" w:author="R" w:date="2024-05-02T10:00:00Z">' + _run(" Texto movido.")
            + "</w:moveTo></w:p>"
            # A deleted paragraph mark: Word's final view runs the two paragraphs together.
            + '<w:p><w:pPr><w:rPr><w:del w:id="5" w:author="R" w:date="2024-05-02T10:00:00Z"/></w:rPr></w:pPr>'
            + _run("Primera mitad") + "</w:p><w:p>" + _run(" y segunda mitad.") + "</w:p>"
            # A deleted table row goes, the other row stays.
            + "<w:tbl><w:tr><w:tc><w:p>" + _run("Fila") + "</w:p></w:tc><w:tc><w:p>" + _run("uno")
            + '</w:p></w:tc></w:tr><w:tr><w:trPr><w:del w:id="6" w:author="R" w:date="2024-05-02T10:00:00Z"/>'
            "</w:trPr><w:tc><w:p>" + _DEL.format(7, "Fila borrada") + "</w:p></w:tc></w:tr></w:tbl>")
    path = make_docx_xml(tmp_path / "word.docx", body)
    assert read_document(path).split("\n\n") == [
        "La reunión se celebró en Ginebra en 2003.",
        "El Comité aprobó el informe. Texto movido.",
        "Primera mitad y segunda mitad.",
        "Fila\tuno",
    ]
    result = run_cli("segment", path, "--lang", "es")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "La reunión se celebró en Ginebra en 2003."


def test_docx_hyperlinks_content_controls_fields_and_text_boxes(tmp_path):
    text_box = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
                '<a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p>' + _run("Recuadro 1: cifras clave.")
                + '</w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
                '</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p>'
                + _run("Recuadro 1: cifras clave.") + "</w:p></w:txbxContent></v:textbox></v:shape></w:pict>"
                "</mc:Fallback></mc:AlternateContent></w:r>")
    body = ("<w:p>" + _run("Véase ") + '<w:hyperlink r:id="rIdLink">' + _run("el sitio de las Naciones Unidas")
            + "</w:hyperlink>" + _run(" y el ") + '<w:sdt><w:sdtPr><w:alias w:val="Título"/></w:sdtPr>'
            "<w:sdtContent>" + _run("Informe anual") + "</w:sdtContent></w:sdt>" + _run(".") + "</w:p>"
            # A block-level content control around a whole paragraph.
            + "<w:sdt><w:sdtContent><w:p>" + _run("Párrafo dentro de un control de contenido.")
            + "</w:p></w:sdtContent></w:sdt>"
            # A complex field shows its result, not its instruction; a simple field its result too.
            + "<w:p>" + _run("El documento tiene ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> NUMPAGES \\* MERGEFORMAT </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run("12")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + _run(" páginas, véase el ")
            + '<w:fldSimple w:instr=" REF cuadro1 \\h ">' + _run("cuadro 1") + "</w:fldSimple>" + _run(".")
            # Hidden text is not shown; a superscript ordinal is not a footnote marker.
            + '<w:r><w:rPr><w:vanish/></w:rPr><w:t>TEXTO OCULTO</w:t></w:r>' + "</w:p>"
            + "<w:p>" + _run("It was the 1") + _run("st", _SUPERSCRIPT) + _run(" session.") + text_box + "</w:p>"
            + "<w:p><m:oMath><m:r><m:t>x=2</m:t></m:r></m:oMath></w:p>")
    path = make_docx_xml(tmp_path / "links.docx", body, hyperlink="https://www.un.org")
    assert read_document(path).split("\n\n") == [
        "Véase el sitio de las Naciones Unidas y el Informe anual.",
        "Párrafo dentro de un control de contenido.",
        "El documento tiene 12 páginas, véase el cuadro 1.",
        "It was the 1st session.",
        "Recuadro 1: cifras clave.",
        "x=2",
    ]


def test_docx_footnotes_and_endnotes_keep_text_and_markers(tmp_path):
    ref = '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{}"/></w:r>'
    end = '<w:r><w:endnoteReference w:id="{}"/></w:r>'
    body = ("<w:p>" + _run("Informe del Secretario General") + "</w:p>"
            + "<w:p>" + _run("1. La Asamblea General aprobó la resolución 56/203") + ref.format(2)
            + _run(". El Sr. Pérez la presentó") + ref.format(1) + _run(".") + "</w:p>"
            + "<w:p>" + _run("2. Otro párrafo con una nota final") + end.format(1) + _run(".") + "</w:p>")
    footnote = ('<w:p><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                + _run(" {}") + "</w:p>")
    path = make_docx_xml(
        tmp_path / "notes.docx", body,
        # Word numbers notes in reference order: note id 2 is referenced first, so it is note 1.
        footnotes=[footnote.format("Primera en el archivo, segunda en el texto."),
                   footnote.format("Resolución 56/203 de la Asamblea General.")],
        endnotes=['<w:p><w:r><w:endnoteRef/></w:r>' + _run(" Nota final del informe.") + "</w:p>"])
    text = read_document(path)
    assert "resolución 56/203¹. El Sr. Pérez la presentó².\n" in text
    assert text.split("\n\n")[-3:] == [
        "¹ Resolución 56/203 de la Asamblea General.",
        "² Primera en el archivo, segunda en el texto.",
        "^i^ Nota final del informe.",
    ]
    doc = normalize(text, "es")
    assert [m for _, m in doc.footnote_refs] == ["1", "2", "i"]
    notes = [(b.number, b.text) for b in doc.blocks if b.kind == "footnote"]
    assert notes == [("1", "¹ Resolución 56/203 de la Asamblea General."),
                     ("2", "² Primera en el archivo, segunda en el texto."),
                     ("i", "^i^ Nota final del informe.")]
    body_sentences = [s.text for s in segment(doc, "es") if s.kind == "body"]
    assert body_sentences[:2] == ["1. La Asamblea General aprobó la resolución 56/203.", "El Sr. Pérez la presentó."]


def test_docx_note_numbering_follows_the_document_settings(tmp_path):
    body = "".join("<w:p>" + _run(f"Frase número {n}") + f'<w:r><w:endnoteReference w:id="{n}"/></w:r>'
                   + _run(".") + "</w:p>" for n in (1, 2, 3))
    endnote = '<w:p><w:r><w:endnoteRef/></w:r>' + _run(" Nota {}.") + "</w:p>"
    settings = '<w:endnotePr><w:numFmt w:val="decimal"/><w:numStart w:val="4"/></w:endnotePr>'
    path = make_docx_xml(tmp_path / "decimal.docx", body, endnotes=[endnote.format(n) for n in (1, 2, 3)],
                         settings=settings)
    text = read_document(path)
    assert "Frase número 1⁴." in text and text.endswith("⁶ Nota 3.")
    path = make_docx_xml(tmp_path / "roman.docx", body, endnotes=[endnote.format(n) for n in (1, 2, 3)])
    doc = normalize(read_document(path), "es")
    assert [m for _, m in doc.footnote_refs] == ["i", "ii", "iii"]
    assert [b.number for b in doc.blocks if b.kind == "footnote"] == ["i", "ii", "iii"]


# ------------------------------------------------------------ HTML and other markup

_HTML = """<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>A/58/98</title>
<style>p { margin: 0 }</style><script>var t = "Esto no es texto del documento.";</script></head>
<body><nav hidden>Menú oculto</nav>
<h1>Migración internacional y desarrollo</h1>
<table><tr><th></th><th>Párrafos</th><th>Página</th></tr>
<tr><td>I. Introducción</td><td>1-3</td><td>3</td></tr></table>
<p>1. Las Naciones Unidas estiman que había 175 millones de
   migrantes en 2000<sup><a href="#n1">1</a></sup>. Aunque son <em>únicamente</em> el 3%&nbsp;de la
   población mundial, prosigue el debate.</p>
<div>2. La Asamblea General, en su resolución 56/203,<br>pidió un informe.</div>
<ul><li>Primer elemento.</li><li>Segundo elemento.</li></ul>
<p style="display: none">Texto oculto.</p><noscript>Active JavaScript.</noscript>
<p>Véase <a href="https://www.un.org">el sitio web</a> &amp; más información.</p>
<footer><p><sup>1</sup> Estimación de la División de Población.</p></footer>
</body></html>
"""


def test_html_is_read_as_a_browser_shows_it(tmp_path, run_cli):
    path = tmp_path / "informe.es.html"
    path.write_text(_HTML, encoding="utf-8")
    assert read_document(path).split("\n\n") == [
        "Migración internacional y desarrollo",
        "\tPárrafos\tPágina",
        "I. Introducción\t1-3\t3",
        "1. Las Naciones Unidas estiman que había 175 millones de migrantes en 2000¹. Aunque son "
        "únicamente el 3%\xa0de la población mundial, prosigue el debate.",
        "2. La Asamblea General, en su resolución 56/203,\npidió un informe.",
        "Primer elemento.", "Segundo elemento.",
        "Véase el sitio web & más información.",
        "¹ Estimación de la División de Población.",
    ]
    result = run_cli("segment", path, "--lang", "es", "--format", "json")
    assert result.exit_code == 0
    import json

    rows = json.loads(result.output)
    assert all("<" not in r["text"] for r in rows)
    assert rows[-1]["kind"] == "footnote" and rows[-1]["number"] == "1"
    assert "2. La Asamblea General, en su resolución 56/203, pidió un informe." in [r["text"] for r in rows]


def test_html_of_a58_gives_the_units_of_its_text(tmp_path, es_path):
    """A/58/98 as a web page (paragraphs, line breaks, the contents as a table) reads like its text."""
    import html as html_lib
    import re

    raw = es_path.read_text(encoding="utf-8")
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>A/58/98</title></head><body>']
    for block in (b for b in re.split(r"\n\s*\n", raw) if b.strip()):
        lines = block.split("\n")
        if any("\t" in line for line in lines):
            rows = ("<tr>" + "".join(f"<td>{html_lib.escape(c)}</td>" for c in line.split("\t")) + "</tr>"
                    for line in lines)
            parts.append("<table>" + "".join(rows) + "</table>")
        else:
            parts.append("<p>" + "<br>\n".join(html_lib.escape(line) for line in lines) + "</p>")
    page = tmp_path / "A_58_98.es.html"
    page.write_text("\n".join(parts) + "</body></html>", encoding="utf-8")

    def units(path):
        return [(s.kind, s.number, s.text) for s in segment(normalize(read_document(path), "es"), "es")]

    assert units(page) == units(es_path)


@pytest.mark.parametrize("name, content, message", [
    ("x.xlf", '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:'
              'document:1.2"><file original="a.txt" source-language="es" datatype="plaintext"><body>'
              '<trans-unit id="1"><source>Hola.</source></trans-unit></body></file></xliff>', "is an XLIFF file"),
    ("memory.txt", '<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4"><header/>'
                   "<body/></tmx>", "is a TMX translation memory"),
    ("data.xml", '<?xml version="1.0"?><!-- exported --><informe><p>Hola.</p></informe>',
     "is an XML file (<informe>)"),
])
def test_xml_that_is_not_a_document_is_refused(tmp_path, run_cli, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        read_document(path)
    english = tmp_path / "en.txt"
    english.write_text("The meeting was held in Geneva in 2003.\n", encoding="utf-8")
    out = tmp_path / "out.tmx"
    result = run_cli("align", path, english, "-o", out)
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()


def test_text_that_opens_with_emphasis_markup_is_still_text(tmp_path):
    path = tmp_path / "resumen.txt"
    path.write_text("<i>Resumen</i>\n\nEl informe se aprobó. <b>Luego</b> se votó.\n", encoding="utf-8")
    assert read_document(path).startswith("<i>Resumen</i>")
    xhtml = tmp_path / "page.xhtml"
    xhtml.write_text('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
                     "<body><p>Hola mundo.</p><p>Adiós.</p></body></html>", encoding="utf-8")
    assert read_document(xhtml) == "Hola mundo.\n\nAdiós."


# ------------------------------------------------------------ binary content, however it decodes

@pytest.mark.parametrize("content", [
    b"\x00\x01\x02" * 400,                                            # the reviewer's case
    b"\xff\xfe" + b"\x01\x00\x02\x00\x03\x00" * 300,                  # UTF-16 with a BOM, all controls
    ("Texto normal del informe. " * 400).encode() + bytes(range(32)) * 200,  # a binary tail after text
    "\ue000\ue001\ue002 ".encode() * 500,                            # private-use code points
])
def test_binary_content_is_refused_however_it_decodes(tmp_path, content):
    path = tmp_path / "doc.es"
    path.write_bytes(content)
    with pytest.raises(InputError, match="looks like a binary file"):
        read_document(path)


def test_text_with_a_few_control_characters_is_still_text(tmp_path):
    path = tmp_path / "doc.es"
    path.write_bytes(("Una frase con un carácter de control \x07 perdido. " * 50).encode())
    assert "perdido" in read_document(path)


# ------------------------------------------------------------ alinea segment checks the language

@pytest.mark.parametrize("fmt", ["text", "paragraphs"])
def test_cli_segment_refuses_a_document_in_the_other_language(run_cli, es_path, en_path, fmt):
    for path, wrong, right in ((es_path, "en", "es"), (en_path, "es-ES", "en")):
        result = run_cli("segment", path, "--lang", wrong, "--format", fmt)
        assert result.exit_code == 2
        assert result.output.count("\n") == 1 and result.output.startswith("alinea: error: ")
        assert "looks like" in result.output and f"give --lang {right}" in result.output
        assert "--force-lang" in result.output
        forced = run_cli("segment", path, "--lang", wrong, "--format", fmt, "--force-lang")
        assert forced.exit_code == 0 and len(forced.output.splitlines()) > 100
        assert run_cli("segment", path, "--lang", right, "--format", fmt).exit_code == 0


def test_cli_segment_does_not_guess_on_too_little_text(run_cli, tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("El Sr. Pérez habló. Luego se votó.\n", encoding="utf-8")
    result = run_cli("segment", path, "--lang", "en")
    assert result.exit_code == 0 and result.output.splitlines() == ["El Sr. Pérez habló.", "Luego se votó."]


def test_docx_automatic_paragraph_numbers_are_text(tmp_path):
    """UN documents number their paragraphs with Word's lists: the numbers are anchors, never lost."""
    def level(ilvl, fmt, text, start=1, suffix=""):
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/>{suffix}</w:lvl>')

    numbering = (
        '<w:abstractNum w:abstractNumId="0">' + level(0, "decimal", "%1.") + level(1, "lowerLetter", "(%2)")
        + level(2, "lowerRoman", "%3)") + "</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="1">' + level(0, "upperRoman", "%1.", suffix='<w:suff w:val="space"/>')
        + level(1, "upperLetter", "%2.") + "</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="2">' + level(0, "bullet", "\uf0b7") + "</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
        # A second list on the first definition that starts again at 1.
        '<w:num w:numId="4"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
        '<w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    styles = ('<w:style w:type="paragraph" w:styleId="SingleTxt"><w:name w:val="Single Txt"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="UNPara"><w:basedOn w:val="SingleTxt"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>')

    def para(text, num_id=None, ilvl=0, style=None):
        props = (f'<w:pStyle w:val="{style}"/>' if style else "") + (
            f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>' if num_id else "")
        return f"<w:p><w:pPr>{props}</w:pPr>" + _run(text) + "</w:p>"

    body = (para("Introducción", 2) + para("Varias oficinas llevan a cabo actividades.", style="UNPara")
            + para("La División publicó dos informes:", style="UNPara")
            + para("el primero en 2002;", 1, 1) + para("el segundo en 2003, con", 1, 1)
            + para("cuadros", 1, 2) + para("Otro párrafo numerado.", 1)
            + para("Secretaría", 2, 1) + para("Labor realizada", 2)
            + para("Un elemento de lista.", 3) + para("Primer párrafo de otra lista.", 4))
    path = make_docx_xml(tmp_path / "numbered.docx", body, numbering=numbering, styles=styles)
    assert read_document(path).split("\n\n") == [
        "I. Introducción",
        "1. Varias oficinas llevan a cabo actividades.",
        "2. La División publicó dos informes:",
        "(a) el primero en 2002;", "(b) el segundo en 2003, con", "i) cuadros",
        "3. Otro párrafo numerado.",
        "A. Secretaría", "II. Labor realizada",
        "• Un elemento de lista.",
        "1. Primer párrafo de otra lista.",
    ]
    doc = normalize(read_document(path), "es")
    assert [b.number for b in doc.blocks if b.kind == "body"][:2] == ["1", "2"]
