#!/usr/bin/env python3
"""Writes vntime.docx: a short plan typed as offices typed them before Unicode, for the
import's legacy-encoding repair (tests/http/test_legacy_forms.c). The header and the title
are runs in the TCVN3 fonts .VnTime/.VnTimeH, one body line in VNI-Times, one line is
TCVN3 mojibake pasted into a Unicode font (Times New Roman). Inside a .docx such text is
stored as Word stores it: each legacy byte as the Windows-1252/Latin-1 character of the
same number ("Häc tËp" for "Học tập"), with w:rFonts naming the legacy font. The TCVN3
codes are TCVN 5712:1993 VN3 (docs/legacy-encodings.md); a minimal WordprocessingML
package like make_leftover.py."""
import sys
import zipfile

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# TCVN3 (VN3): lowercase letters and the untoned capitals; toned capitals are typed in
# .VnTimeH on the lowercase codes.
VN3 = {}
for row, codes in [('aàảãáạ', [0x61, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9]),
                   ('ăằẳẵắặ', [0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6]),
                   ('âầẩẫấậ', [0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB]),
                   ('eèẻẽéẹ', [0x65, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1]),
                   ('êềểễếệ', [0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6]),
                   ('iìỉĩíị', [0x69, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE]),
                   ('oòỏõóọ', [0x6F, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4]),
                   ('ôồổỗốộ', [0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9]),
                   ('ơờởỡớợ', [0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE]),
                   ('uùủũúụ', [0x75, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4]),
                   ('ưừửữứự', [0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9]),
                   ('yỳỷỹýỵ', [0x79, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE]),
                   ('đĂÂÊÔƠƯĐ', [0xAE, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7])]:
    for ch, c in zip(row, codes):
        VN3[ch] = c


def tcvn3(s):
    """The text as Word shows a .VnTime run: each TCVN3 byte as the Latin-1 character."""
    out = []
    for ch in s:
        if ord(ch) < 0x80:
            out.append(ch)
        elif ch in VN3:
            out.append(chr(VN3[ch]))
        else:  # a toned capital: the lowercase code (.VnTimeH)
            out.append(chr(VN3[ch.lower()]))
    return ''.join(out)


def p(text, font=None, bold=False, center=False):
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ''
    rpr = ''
    if font or bold:
        rpr = '<w:rPr>' + (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}"/>' if font else '') + \
              ('<w:b/>' if bold else '') + '</w:rPr>'
    text = text.replace('&', '&amp;').replace('<', '&lt;')
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


H, T = '.VnTimeH', '.VnTime'
body = ''.join([
    p(tcvn3('UBND HUYỆN TIÊN LÃNG'), H), p(tcvn3('PHÒNG GIÁO DỤC VÀ ĐÀO TẠO'), H, True),
    p('Số: 07/KH-PGDĐT'), p(tcvn3('Tiên Lãng, ngày 05 tháng 10 năm 2022'), T),
    p(tcvn3('KẾ HOẠCH'), H, True, True),
    p(tcvn3('Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022'), T, True, True),
    p('Căn cứ Công văn số 747/CV-PGDĐT-GDTX;'), p('I. MỤC ĐÍCH', None, True),
    p(tcvn3('Nhà trường đã tổ chức học tập suốt đời cho người dân.'), T),
    # VNI-Times: "Xin chào các bạn đọc."
    p('Xin chaøo caùc baïn ñoïc.', 'VNI-Times'),
    # pasted mojibake in a Unicode font
    p(tcvn3('Mỗi thôn có một tủ sách cộng đồng.'), 'Times New Roman'),
    p('Nơi nhận:'), p('- Như trên;'), p('- Lưu: VT.'),
    p('TRƯỞNG PHÒNG'), p('(Đã ký)'), p('Hoàng Văn An'),
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
out = sys.argv[1] if len(sys.argv) > 1 else 'vntime.docx'
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for name, data in parts.items():
        z.writestr(zipfile.ZipInfo(name, date_time=(2022, 10, 5, 0, 0, 0)), data.encode())
