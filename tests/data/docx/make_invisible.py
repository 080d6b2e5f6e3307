#!/usr/bin/env python3
"""Writes invisible.docx from seed000.docx: the same document with the invisible
characters Word leaves in text (tests/http/test_doc_import.c): a soft hyphen (U+00AD,
Word's optional hyphen) inside "2022" of the title and a zero-width space (U+200B) after
the signer's family name. An import removes them (TEXT_DROP_INVISIBLE); typed into the
form or sent to the JSON API they are refused."""
import sys
import zipfile

src = sys.argv[1] if len(sys.argv) > 1 else 'seed000.docx'
dst = sys.argv[2] if len(sys.argv) > 2 else 'invisible.docx'
EDITS = [('ng học tập suốt đời năm 2022</w:t>', 'ng học tập suốt đời năm 20\u00ad22</w:t>'),
         ('Nguyễn Ngọc Huy', 'Nguyễn\u200b Ngọc Huy')]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == 'word/document.xml':
            x = data.decode('utf-8')
            for old, new in EDITS:
                assert x.count(old) == 1, old
                x = x.replace(old, new)
            data = x.encode('utf-8')
        zout.writestr(item, data)
