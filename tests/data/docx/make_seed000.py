#!/usr/bin/env python3
"""Makes tests/data/docx/seed000.docx: the text of seed 000 (huyện Tiên Lãng's công văn on
the 2022 Week, /work/shared/seeds/000_aef9c8ef444f4ca1.txt) laid out as Vietnamese offices
type it -- header block as a 2-column borderless table, bold title lines, the "Nơi nhận"
and signer blocks as a 2-column table -- written as HTML and converted to .docx by
LibreOffice Writer (soffice --headless --convert-to docx). Also writes seed000.expected.json:
the same text as the document JSON of docs/documents.md, which the import must reproduce.

The seed's PDF text breaks lines mid-sentence; paragraphs are joined here as in the
original. The seed leaves the number and the day blank (filled at signing): so does this.

Run: python3 tests/data/docx/make_seed000.py  (needs soffice: libreoffice-writer-nogui)."""
import html, json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NB = "\u00a0"

BODY_LINES = ["ỦY BAN NHÂN DÂN", "HUYỆN TIÊN LÃNG"]
NUMBER_LINE = "Số:" + NB * 9 + "/UBND-GDĐT"
SUBJECT = "tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022"
DATE_LINE = "Tiên Lãng, ngày" + NB * 7 + "tháng 9" + NB * 2 + "năm 2022"
RECIPIENTS = [
    "Phòng Giáo dục và Đào tạo;",
    "Phòng Văn hóa và Thông tin;",
    "Trung tâm Văn hóa - Thông tin và Thể thao;",
    "Chủ tịch UBND các xã, thị trấn;",
    "Giám đốc Trung tâm học tập cộng đồng các xã, thị trấn;",
    "Hiệu trưởng các trường Mầm non, Tiểu học, THCS.",
]
BASIS = ("Thực hiện Công văn số 3201/VP-VX ngày 14/9/2022 của Ủy ban nhân dân thành phố Hải "
         "Phòng về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022, Ủy ban nhân dân "
         "huyện Tiên Lãng đề nghị các đơn vị, cơ quan, ban ngành liên quan phối hợp xây dựng kế "
         "hoạch và tổ chức Tuần lễ hưởng ứng học tập đời năm 2022, cụ thể như sau:")
# (heading?, text)
BODY = [
    (1, "1. Chủ đề"),
    (0, "Chủ đề của Tuần lễ năm 2022: Thúc đẩy chuyển đổi số phục vụ cho học tập suốt đời sau đại dịch COVID -19."),
    (1, "2. Thời gian"),
    (0, "Tuần lễ được tổ chức từ ngày 01/10/2022 đến 07/10/2022, trong đó Lễ khai mạc Tuần lễ được tổ chức vào ngày 01/10/2022."),
    (1, "3. Các hoạt động trong Tuần lễ"),
    (0, "Các cơ quan, đơn vị triển khai Tuần lễ năm 2022 với hình thức, nội dung phù hợp, linh hoạt, sáng tạo, tận dụng tối đa các nền tảng số, góp phần tăng cường ứng dụng công nghệ thông tin trong giáo dục và đào tạo, gồm các hoạt động sau:"),
    (0, "- Đẩy mạnh và đổi mới các hoạt động thông tin, tuyên truyền trên các phương tiện thông tin đại chúng, các cổng thông tin điện tử của đơn vị, tổ chức liên quan, các trang mạng xã hội về tầm quan trọng và vai trò của chuyển đổi số trong việc cung ứng cơ hội học tập suốt đời cho mọi người. Treo băng rôn, khẩu hiệu tại các cơ sở giáo dục, các công xưởng, nhà máy, văn phòng, cơ quan và nơi công cộng; tổ chức tuyên truyền bằng nhiều hình thức về chủ đề và các hoạt động của Tuần lễ để người dân biết và tham gia."),
    (0, "- Tổ chức Lễ khai mạc Tuần lễ có sự tham gia của đại diện Lãnh đạo cấp ủy đảng, chính quyền, các cơ quan, các tổ chức xã hội, doanh nghiệp có liên quan; đại diện các cơ sở giáo dục, các thiết chế văn hóa, các cơ quan thông tin đại chúng; đại diện của các tầng lớp nhân dân, học sinh, sinh viên trên địa bàn."),
    (0, "- Triển khai các hoạt động của Tuần lễ theo hình thức trực tiếp hoặc trực tiếp kết hợp trực tuyến nhằm lan tỏa thông điệp và đưa chủ đề của Tuần lễ vào cuộc sống một cách thiết thực."),
    (0, "- Triển khai các chương trình học tập trực tuyến, đẩy mạnh ứng dụng công nghệ thông tin trong hoạt động dạy, học và hoạt động thư viện; tạo điều kiện để các cơ sở giáo dục xây dựng, thu thập và khai thác các nguồn tài nguyên giáo dục mở hữu ích, tích cực phổ biến, giới thiệu các tài nguyên này trên cổng thông tin điện tử của đơn vị; khuyến khích giáo viên, học sinh, sinh viên tham gia diễn đàn, câu lạc bộ trực tuyến, giao lưu, chia sẻ về sách, văn hóa đọc, nghiên cứu khoa học,... góp phần từng bước phát triển hệ sinh thái chuyển đổi số hoạt động dạy, học."),
    (0, "- Khuyến khích các doanh nghiệp hoạt động trong lĩnh vực công nghệ phối hợp, đồng hành, tài trợ cho các tổ chức, cơ sở giáo dục triển khai các lớp tập huấn, hướng dẫn kĩ năng tìm kiếm, khai thác, sử dụng thông tin trên mang internet một cách an toàn, hiệu quả cho học sinh, sinh viên, phụ huynh, cán bộ công nhân viên chức, người lao động trên địa bàn; xây dựng và phát triển các ứng dụng, trò chơi miễn phí có tính giáo dục kết hợp giải trí lành mạnh để tạo sân chơi hữu ích cho trẻ em, học sinh, sinh viên."),
    (0, "- Tăng cường vai trò của các trường Đại học, Cao đẳng trong việc cung cấp các nguồn tài nguyên học liệu mở (sách, báo, học liệu, bài giảng điện tử, bài giảng dạy trên truyền hình, học liệu số đa phương tiện, phần mềm mô phỏng và các học liệu khác); liên thông, liên kết với hệ thống cơ sở giáo dục thường xuyên để phục vụ nhu cầu học tập suốt đời của người dân."),
    (0, "- Khuyến khích tổ chức các sân chơi, diễn đàn, cuộc thi có chủ đề về cộng đồng số, công dân số giúp học sinh, sinh viên và người dân tìm hiểu về các kỹ năng và năng lực thiết yếu của công dân trong thời đại số và toàn cầu hoá; khuyến khích người dân và các cộng đồng tích cực tham gia, tự đọc, ghi âm, ghi hình đóng góp, chia sẻ, dự thi."),
    (1, "4. Tổ chức thực hiện"),
    (0, "- Phòng Giáo dục và Đào tạo: Chủ trì phối hợp với Hội Khuyến học huyện, các phòng, ban, đoàn thể huyện xây dựng chương trình, kế hoạch và tổ chức các hoạt động phù hợp, thiết thực, tiết kiệm, hiệu quả hưởng ứng Tuần lễ tại địa phương; tổng hợp báo cáo kết quả triển khai Tuần lễ trên phạm vi toàn huyện; tiếp tục theo dõi, duy trì, thúc đẩy các hoạt động của Tuần lễ trong suốt năm học."),
    (0, "- Phòng Văn hóa và Thông tin: Phối hợp với Huyện đoàn để xây dựng văn hóa đọc trong học sinh, lan tỏa văn hóa đọc trên phạm vi toàn huyện."),
    (0, "- Trung tâm Văn hóa - Thông tin và Thể thao: Tuyên truyền trên hệ thống phát thanh, treo băng rôn, khẩu hiệu tại những nơi công cộng để tuyên truyền về chủ đề và các hoạt động của Tuần lễ."),
    (0, "- Ủy ban nhân dân các xã, thị trấn chỉ đạo Trung tâm học tập cộng đồng phối hợp với Hội Khuyến học, các trường học trên địa bàn và các đơn vị, ban ngành liên quan của xã, thị trấn xây dựng kế hoạch và triển khai tổ chức Tuần lễ theo nội dung trên; bố trí kinh phí tổ chức các hoạt động thiết thực, phù hợp với điều kiện của địa phương; kiểm tra, giám sát, tổng kết, rút kinh nghiệm nhằm phát hiện, nhân rộng các tấm gương tự học, học tập suốt đời; tuyên dương, khen thưởng các tập thể và cá nhân tham gia tích cực Tuần lễ."),
    (0, "- Các trường học, Trung tâm học tập cộng đồng: Tổ chức các lớp học, tập huấn, hội thảo, hoạt động giao lưu với các nội dung, hình thức học tập phong phú, linh hoạt, thiết thực (các chương trình giáo dục về kỹ năng sống, ngoại ngữ, kỹ năng sử dụng công nghệ hiện đại trong cuộc sống và công việc cho người dân)."),
    (0, "Kết thúc tuần lễ các cơ quan, đơn vị, trường học trên địa bàn tổng hợp báo cáo kết quả thực hiện cùng một số hình ảnh tiêu biểu về các hoạt động liên quan tới việc tổ chức tuần lễ học tập suốt đời năm 2022 tại địa phương gửi về Phòng Giáo dục và Đào tạo trong ngày 10/10/2022 (Người nhận: Đ/c Hoàng Ngọc Văn - Chuyên viên). Phòng Giáo dục và Đào tạo tổng hợp báo cáo Ủy ban nhân dân huyện, Sở Giáo dục và Đào tạo Hải Phòng, Hội Khuyến học thành phố./."),
]
DISTRIBUTION = ["TT HU, TT HĐND huyện;", "CT, các PCT UBND huyện;", "Như trên;", "Lưu: VT, GDĐT."]
SIGNER = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
NAME = "Nguyễn Ngọc Huy"


def e(s):
    return html.escape(s, quote=False)


def split_run(s):
    """A word cut across two runs, as editors leave after a correction."""
    j = s.find(" ", len(s) // 2)
    i = j - 2 if j > 2 and s[j - 2] != " " else len(s) // 2
    return e(s[:i]) + '<span lang="vi-VN">' + e(s[i:]) + "</span>"


P = 'style="margin-top:0;margin-bottom:6pt"'
TD = 'style="border:none;vertical-align:top"'
parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>Công văn</title>'
         '<style>body{font-family:"Times New Roman";font-size:14pt}'
         'table{border-collapse:collapse;border:none} td{border:none}</style></head><body>']
# header block: 2 columns x 2 rows, borderless
parts.append('<table width="100%" border="0" cellspacing="0" cellpadding="0">')
parts.append(f'<tr><td width="40%" {TD}><p align="center" {P}><font size="3">{e(BODY_LINES[0])}</font><br>'
             f'<b>{e(BODY_LINES[1])}</b></p><p align="center" {P}>________</p></td>')
parts.append(f'<td width="60%" {TD}><p align="center" {P}><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p>'
             f'<p align="center" {P}><b>Độc lập - Tự do - Hạnh phúc</b></p>'
             f'<p align="center" {P}>_______________________</p></td></tr>')
parts.append(f'<tr><td {TD}><p align="center" {P}>{e(NUMBER_LINE)}</p>'
             f'<p align="center" {P}><font size="2">V/v {split_run(SUBJECT)}</font></p></td>')
parts.append(f'<td {TD}><p align="right" {P}><i>{e(DATE_LINE)}</i></p></td></tr></table>')
parts.append(f'<p {P}>&nbsp;</p>')
parts.append(f'<p align="center" {P}>Kính gửi:</p>')
for r in RECIPIENTS:
    parts.append(f'<p style="margin-left:3cm;margin-top:0;margin-bottom:0">- {e(r)}</p>')
parts.append(f'<p align="justify" style="text-indent:1.27cm;margin-top:6pt;margin-bottom:6pt">{e(BASIS)}</p>')
for h, t in BODY:
    if h:
        parts.append(f'<p align="justify" style="text-indent:1.27cm;margin-top:0;margin-bottom:6pt"><b>{e(t)}</b></p>')
    else:
        parts.append(f'<p align="justify" style="text-indent:1.27cm;margin-top:0;margin-bottom:6pt">{split_run(t) if t.startswith("Tuần") else e(t)}</p>')
# Nơi nhận and the signer: 2 columns, borderless
parts.append('<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>')
parts.append(f'<td width="45%" {TD}><p {P}><b><i>Nơi nhận:</i></b><br>'
             + "<br>".join(f'<font size="2">- {e(d)}</font>' for d in DISTRIBUTION) + '</p></td>')
parts.append(f'<td width="55%" {TD}>' + "".join(f'<p align="center" style="margin:0"><b>{e(s)}</b></p>' for s in SIGNER)
             + '<p>&nbsp;</p><p>&nbsp;</p><p>&nbsp;</p>'
             f'<p align="center" style="margin:0"><b>{e(NAME)}</b></p></td></tr></table>')
parts.append("</body></html>")

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "seed000.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write("".join(parts))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                    "--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML",
                    "--outdir", tmp, src], check=True, stdout=subprocess.DEVNULL)
    shutil.copyfile(os.path.join(tmp, "seed000.docx"), os.path.join(HERE, "seed000.docx"))

text = []
for h, t in BODY:
    text.append(("## " if h else "") + t)
expected = {
    "kind": "cv", "date": "", "year": 2022, "body_abbr": "UBND", "drafter_abbr": "GDĐT",
    "parent_body": "", "body": "\n".join(BODY_LINES), "place": "Tiên Lãng",
    "subject": SUBJECT[0].upper() + SUBJECT[1:],
    "bases": [{"text": BASIS}],
    "recipients": [{"text": r, "units": [], "kinds": []} for r in RECIPIENTS],
    "text": "\n".join(text), "duties": [], "distribution": DISTRIBUTION,
    "signer": {"tm": "ỦY BAN NHÂN DÂN", "authority": "KT.", "head": "CHỦ TỊCH",
               "position": "PHÓ CHỦ TỊCH", "name": NAME},
    "annexes": [],
}
with open(os.path.join(HERE, "seed000.expected.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, ensure_ascii=False, indent=1)
    f.write("\n")
print("wrote seed000.docx and seed000.expected.json")
