#!/usr/bin/env python3
"""Writes leftover.docx: a plan typed without tables whose last line fits no part of an
official document ("Ghi chú lạ cuối trang"), for the test that the import's review keeps
its unrecognised paragraphs with the draft (tests/http/test_doc_import.c). A minimal
WordprocessingML package, like tests/unit/test_import_docx.c's make_docx."""
import sys
import zipfile

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def p(text, bold=False, center=False):
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ''
    rpr = '<w:rPr><w:b/></w:rPr>' if bold else ''
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


body = ''.join([
    p('UBND HUYỆN ĐẠI TỪ'), p('PHÒNG GIÁO DỤC VÀ ĐÀO TẠO'), p('Số: 05/KH-PGDĐT'),
    p('Đại Từ, ngày 05 tháng 10 năm 2022'), p('KẾ HOẠCH', True, True),
    p('Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022', True, True),
    p('Căn cứ Công văn số 747/CV-PGDĐT-GDTX;'), p('I. MỤC ĐÍCH', True),
    p('Nội dung ở đây.'), p('Nơi nhận:'), p('- Như trên;'), p('- Lưu: VT.'),
    p('TRƯỞNG PHÒNG'), p('(Đã ký)'), p('Hoàng Văn An'), p('Ghi chú lạ cuối trang'),
])
parts = {
    '[Content_Types].xml':
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>',
    'word/document.xml':
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body>'
        '</w:document>',
}
out = sys.argv[1] if len(sys.argv) > 1 else 'leftover.docx'
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for name, data in parts.items():
        z.writestr(zipfile.ZipInfo(name, date_time=(2022, 10, 5, 0, 0, 0)), data.encode())
