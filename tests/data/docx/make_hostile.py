#!/usr/bin/env python3
"""Makes the hostile and malformed .docx files of tests/data/docx/hostile/ (and the same
files as fuzz seeds in fuzz/seeds/fuzz_docx/), each one a way an upload must be refused:

  bomb_huge.docx       a valid document plus a 30 MB entry of zeros (about 30 KB compressed)
  bomb_lying.docx      word/document.xml inflates to 6 MB while its headers (local and
                       central, consistently) claim 2,000 bytes
  entities.docx        word/document.xml with a billion-laughs internal DTD
  xxe.docx             word/document.xml with an external entity (file:///etc/passwd)
  missing_part.docx    [Content_Types].xml and _rels/.rels name word/document.xml; it is absent
  not_zip.docx         plain text with a .docx name
  traversal.docx       a valid document plus an entry named ../../tmp/evil.xml
  traversal_rels.docx  _rels/.rels points the main part at ../../etc/passwd

Built from seed000.docx (run make_seed000.py first). Run: python3 make_hostile.py"""
import io, os, shutil, struct, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hostile")
SEEDS = os.path.join(HERE, "..", "..", "..", "fuzz", "seeds", "fuzz_docx")
os.makedirs(OUT, exist_ok=True)
os.makedirs(SEEDS, exist_ok=True)

with zipfile.ZipFile(os.path.join(HERE, "seed000.docx")) as z:
    parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]


def build(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return bytearray(b.getvalue())


def replace(name, data):
    return [(n, data if n == name else d) for n, d in parts]


def write(name, data):
    for d in (OUT, SEEDS):
        with open(os.path.join(d, name), "wb") as f:
            f.write(bytes(data))


write("bomb_huge.docx", build(parts + [("word/media/image1.png", b"\0" * (30 << 20))]))

# the lie: patch the uncompressed size in the local header and the central directory
big = b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' \
    + b"<w:p><w:r><w:t>" + b"a" * (6 << 20) + b"</w:t></w:r></w:p></w:body></w:document>"
z = build(replace("word/document.xml", big))
name = b"word/document.xml"
loc = z.find(b"PK\x03\x04" + z[4:4])  # first local header
i = 0
while True:
    i = z.find(b"PK\x03\x04", i)
    if z[i + 30:i + 30 + len(name)] == name:
        struct.pack_into("<I", z, i + 22, 2000)
        break
    i += 4
i = 0
while True:
    i = z.find(b"PK\x01\x02", i)
    if z[i + 46:i + 46 + len(name)] == name:
        struct.pack_into("<I", z, i + 24, 2000)
        break
    i += 4
write("bomb_lying.docx", z)

laughs = ['<!ENTITY lol0 "lol">'] + [
    '<!ENTITY lol%d "%s">' % (k, ("&lol%d;" % (k - 1)) * 10) for k in range(1, 10)]
ent = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [' + "".join(laughs) +
       ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
       '<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
write("entities.docx", build(replace("word/document.xml", ent.encode())))

xxe = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [<!ENTITY e SYSTEM '
       '"file:///etc/passwd">]><w:document xmlns:w="http://schemas.openxmlformats.org/'
       'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body>'
       '</w:document>')
write("xxe.docx", build(replace("word/document.xml", xxe.encode())))

write("missing_part.docx", build([(n, d) for n, d in parts if n != "word/document.xml"]))

write("not_zip.docx", "Đây không phải tệp Word, chỉ là chữ.\n".encode())

write("traversal.docx", build(parts + [("../../tmp/evil.xml", b"<x/>")]))

rels = dict(parts)["_rels/.rels"].replace(b'Target="word/document.xml"',
                                         b'Target="../../etc/passwd"')
write("traversal_rels.docx", build(replace("_rels/.rels", rels)))

shutil.copyfile(os.path.join(HERE, "seed000.docx"), os.path.join(SEEDS, "seed000.docx"))
print("wrote", sorted(os.listdir(OUT)))
