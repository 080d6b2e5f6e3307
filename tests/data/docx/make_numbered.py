#!/usr/bin/env python3
"""Makes tests/data/docx/numbered.docx: a short kế hoạch typed without a header table whose
headings, Kính gửi-less body bullets and Nơi nhận list use automatic numbering (HTML
<ol type="I">, nested <ol>, <ul>), converted to .docx by LibreOffice Writer, so the numbers
and bullets live in word/numbering.xml as LibreOffice writes it, not in the text.
Run: python3 tests/data/docx/make_numbered.py  (needs soffice: libreoffice-writer-nogui)."""
import os, shutil, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<p>ỦY BAN NHÂN DÂN QUẬN HẢI AN</p>
<p>Số: 15/KH-UBND</p>
<p>Hải An, ngày 28 tháng 9 năm 2022</p>
<p align="center"><b>KẾ HOẠCH</b></p>
<p align="center"><b>Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022</b></p>
<ol type="I">
<li><b>MỤC ĐÍCH, YÊU CẦU</b>
<ol><li><b>Mục đích</b></li></ol>
<p>Nâng cao nhận thức của người dân.</p>
</li>
<li><b>NỘI DUNG</b></li>
</ol>
<ul><li>Tổ chức lễ khai mạc.</li><li>Tuyên truyền trên loa phường.</li></ul>
<p><b><i>Nơi nhận:</i></b></p>
<ul><li>Như trên;</li><li>Lưu: VT.</li></ul>
<p align="center"><b>TM. ỦY BAN NHÂN DÂN</b></p>
<p align="center"><b>CHỦ TỊCH</b></p>
<p align="center"><b>Trần Văn B</b></p>
</body></html>"""

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "numbered.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(HTML)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                    "--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML",
                    "--outdir", tmp, src], check=True, stdout=subprocess.DEVNULL)
    shutil.copyfile(os.path.join(tmp, "numbered.docx"), os.path.join(HERE, "numbered.docx"))
    shutil.copyfile(os.path.join(tmp, "numbered.docx"),
                    os.path.join(HERE, "..", "..", "..", "fuzz", "seeds", "fuzz_docx", "numbered.docx"))
print("wrote numbered.docx")
