/* Seed 000 (the Tiên Lãng công văn) as a docr_t; see docr_fixture.h. */
#include "docr_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define P(s)                                                                                       \
	{                                                                                          \
		DR_PARA, (docr_run_t[]){{s, 0, 0}}, 1                                              \
	}
#define H2(s)                                                                                      \
	{                                                                                          \
		DR_H2, (docr_run_t[]){{s, 0, 0}}, 1                                                \
	}

static const char *kinh_gui[] = {
        "Phòng Giáo dục và Đào tạo;",
        "Phòng Văn hóa và Thông tin;",
        "Trung tâm Văn hóa - Thông tin và Thể thao;",
        "Chủ tịch UBND các xã, thị trấn;",
        "Giám đốc Trung tâm học tập cộng đồng các xã, thị trấn;",
        "Hiệu trưởng các trường Mầm non, Tiểu học, THCS.",
};

static const char *noi_nhan[] = {
        "TT HU, TT HĐND huyện;",
        "CT, các PCT UBND huyện;",
        "Như trên;",
        "Lưu: VT, GDĐT.",
};

static const char *signer_lines[] = {
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
};

static docr_para_t paras[] = {
        P("Thực hiện Công văn số 3201/VP-VX ngày 14/9/2022 của Ủy ban nhân dân thành phố Hải "
          "Phòng về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022, Ủy ban nhân dân "
          "huyện Tiên Lãng đề nghị các đơn vị, cơ quan, ban ngành liên quan phối hợp xây dựng "
          "kế hoạch và tổ chức Tuần lễ hưởng ứng học tập đời năm 2022, cụ thể như sau:"),
        H2("1. Chủ đề"),
        P("Chủ đề của Tuần lễ năm 2022: Thúc đẩy chuyển đổi số phục vụ cho học tập suốt đời "
          "sau đại dịch COVID -19."),
        H2("2. Thời gian"),
        P("Tuần lễ được tổ chức từ ngày 01/10/2022 đến 07/10/2022, trong đó Lễ khai mạc Tuần "
          "lễ được tổ chức vào ngày 01/10/2022."),
        H2("3. Các hoạt động trong Tuần lễ"),
        P("Các cơ quan, đơn vị triển khai Tuần lễ năm 2022 với hình thức, nội dung phù hợp, "
          "linh hoạt, sáng tạo, tận dụng tối đa các nền tảng số, góp phần tăng cường ứng dụng "
          "công nghệ thông tin trong giáo dục và đào tạo, gồm các hoạt động sau:"),
        P("- Đẩy mạnh và đổi mới các hoạt động thông tin, tuyên truyền trên các phương tiện "
          "thông tin đại chúng, các cổng thông tin điện tử của đơn vị, tổ chức liên quan, các "
          "trang mạng xã hội về tầm quan trọng và vai trò của chuyển đổi số trong việc cung "
          "ứng cơ hội học tập suốt đời cho mọi người. Treo băng rôn, khẩu hiệu tại các cơ sở "
          "giáo dục, các công xưởng, nhà máy, văn phòng, cơ quan và nơi công cộng; tổ chức "
          "tuyên truyền bằng nhiều hình thức về chủ đề và các hoạt động của Tuần lễ để người "
          "dân biết và tham gia."),
        P("- Tổ chức Lễ khai mạc Tuần lễ có sự tham gia của đại diện Lãnh đạo cấp ủy đảng, "
          "chính quyền, các cơ quan, các tổ chức xã hội, doanh nghiệp có liên quan; đại diện "
          "các cơ sở giáo dục, các thiết chế văn hóa, các cơ quan thông tin đại chúng; đại "
          "diện của các tầng lớp nhân dân, học sinh, sinh viên trên địa bàn."),
        P("- Triển khai các hoạt động của Tuần lễ theo hình thức trực tiếp hoặc trực tiếp kết "
          "hợp trực tuyến nhằm lan tỏa thông điệp và đưa chủ đề của Tuần lễ vào cuộc sống một "
          "cách thiết thực."),
        P("- Triển khai các chương trình học tập trực tuyến, đẩy mạnh ứng dụng công nghệ thông "
          "tin trong hoạt động dạy, học và hoạt động thư viện; tạo điều kiện để các cơ sở giáo "
          "dục xây dựng, thu thập và khai thác các nguồn tài nguyên giáo dục mở hữu ích, tích "
          "cực phổ biến, giới thiệu các tài nguyên này trên cổng thông tin điện tử của đơn vị; "
          "khuyến khích giáo viên, học sinh, sinh viên tham gia diễn đàn, câu lạc bộ trực "
          "tuyến, giao lưu, chia sẻ về sách, văn hóa đọc, nghiên cứu khoa học,... góp phần từng "
          "bước phát triển hệ sinh thái chuyển đổi số hoạt động dạy, học."),
        P("- Khuyến khích các doanh nghiệp hoạt động trong lĩnh vực công nghệ phối hợp, đồng "
          "hành, tài trợ cho các tổ chức, cơ sở giáo dục triển khai các lớp tập huấn, hướng dẫn "
          "kĩ năng tìm kiếm, khai thác, sử dụng thông tin trên mang internet một cách an toàn, "
          "hiệu quả cho học sinh, sinh viên, phụ huynh, cán bộ công nhân viên chức, người lao "
          "động trên địa bàn; xây dựng và phát triển các ứng dụng, trò chơi miễn phí có tính "
          "giáo dục kết hợp giải trí lành mạnh để tạo sân chơi hữu ích cho trẻ em, học sinh, "
          "sinh viên."),
        P("- Tăng cường vai trò của các trường Đại học, Cao đẳng trong việc cung cấp các nguồn "
          "tài nguyên học liệu mở (sách, báo, học liệu, bài giảng điện tử, bài giảng dạy trên "
          "truyền hình, học liệu số đa phương tiện, phần mềm mô phỏng và các học liệu khác); "
          "liên thông, liên kết với hệ thống cơ sở giáo dục thường xuyên để phục vụ nhu cầu học "
          "tập suốt đời của người dân."),
        P("- Khuyến khích tổ chức các sân chơi, diễn đàn, cuộc thi có chủ đề về cộng đồng số, "
          "công dân số giúp học sinh, sinh viên và người dân tìm hiểu về các kỹ năng và năng "
          "lực thiết yếu của công dân trong thời đại số và toàn cầu hoá; khuyến khích người dân "
          "và các cộng đồng tích cực tham gia, tự đọc, ghi âm, ghi hình đóng góp, chia sẻ, dự "
          "thi."),
        H2("4. Tổ chức thực hiện"),
        P("- Phòng Giáo dục và Đào tạo: Chủ trì phối hợp với Hội Khuyến học huyện, các phòng, "
          "ban, đoàn thể huyện xây dựng chương trình, kế hoạch và tổ chức các hoạt động phù hợp, "
          "thiết thực, tiết kiệm, hiệu quả hưởng ứng Tuần lễ tại địa phương; tổng hợp báo cáo "
          "kết quả triển khai Tuần lễ trên phạm vi toàn huyện; tiếp tục theo dõi, duy trì, thúc "
          "đẩy các hoạt động của Tuần lễ trong suốt năm học."),
        P("- Phòng Văn hóa và Thông tin: Phối hợp với Huyện đoàn để xây dựng văn hóa đọc trong "
          "học sinh, lan tỏa văn hóa đọc trên phạm vi toàn huyện."),
        P("- Trung tâm Văn hóa - Thông tin và Thể thao: Tuyên truyền trên hệ thống phát thanh, "
          "treo băng rôn, khẩu hiệu tại những nơi công cộng để tuyên truyền về chủ đề và các "
          "hoạt động của Tuần lễ."),
        P("- Ủy ban nhân dân các xã, thị trấn chỉ đạo Trung tâm học tập cộng đồng phối hợp với "
          "Hội Khuyến học, các trường học trên địa bàn và các đơn vị, ban ngành liên quan của "
          "xã, thị trấn xây dựng kế hoạch và triển khai tổ chức Tuần lễ theo nội dung trên; bố "
          "trí kinh phí tổ chức các hoạt động thiết thực, phù hợp với điều kiện của địa phương; "
          "kiểm tra, giám sát, tổng kết, rút kinh nghiệm nhằm phát hiện, nhân rộng các tấm "
          "gương tự học, học tập suốt đời; tuyên dương, khen thưởng các tập thể và cá nhân tham "
          "gia tích cực Tuần lễ."),
        P("- Các trường học, Trung tâm học tập cộng đồng: Tổ chức các lớp học, tập huấn, hội "
          "thảo, hoạt động giao lưu với các nội dung, hình thức học tập phong phú, linh hoạt, "
          "thiết thực (các chương trình giáo dục về kỹ năng sống, ngoại ngữ, kỹ năng sử dụng "
          "công nghệ hiện đại trong cuộc sống và công việc cho người dân)."),
        P("Kết thúc tuần lễ các cơ quan, đơn vị, trường học trên địa bàn tổng hợp báo cáo kết "
          "quả thực hiện cùng một số hình ảnh tiêu biểu về các hoạt động liên quan tới việc tổ "
          "chức tuần lễ học tập suốt đời năm 2022 tại địa phương gửi về Phòng Giáo dục và Đào "
          "tạo trong ngày 10/10/2022 (Người nhận: Đ/c Hoàng Ngọc Văn - Chuyên viên). Phòng Giáo "
          "dục và Đào tạo tổng hợp báo cáo Ủy ban nhân dân huyện, Sở Giáo dục và Đào tạo Hải "
          "Phòng, Hội Khuyến học thành phố./."),
};

/* The annex: a compiled-results table like seed 003, one row per unit of the district. */
static const char *annex_headers[] = {"STT", "Đơn vị", "Hoạt động đã tổ chức", "Số người tham gia"};
static const double annex_widths[] = {12.0, 50.0, 64.0, 34.0};

static const char *const communes[] = {
        "Thị trấn Tiên Lãng", "Bạch Đằng",  "Cấp Tiến",   "Đại Thắng",  "Đoàn Lập",   "Hùng Thắng",
        "Khởi Nghĩa",         "Kiến Thiết", "Nam Hưng",   "Quang Phục", "Quyết Tiến", "Tân Minh",
        "Tiên Minh",          "Tiên Thắng", "Tiên Thanh", "Tự Cường",   "Vinh Quang", "Toàn Thắng",
        "Tiên Cường",         "Tây Hưng",   "Đông Hưng",  "Bắc Hưng",   "Tiên Tiến",
};
#define NCOMMUNES (sizeof communes / sizeof communes[0])

#define ROWS DOCR_FIXTURE_ANNEX_ROWS
#define COLS 4
#define MAXLINES 3

static char cell_text[ROWS][COLS][MAXLINES][160];
static docr_run_t cell_runs[ROWS][COLS][MAXLINES][2];
static docr_para_t cell_lines[ROWS][COLS][MAXLINES];
static docr_cell_t cells[ROWS * COLS];
static docr_table_t table;

static docr_para_t annex_before[] = {
        P("Số liệu do các Trung tâm học tập cộng đồng và các trường học báo cáo về Phòng Giáo "
          "dục và Đào tạo đến ngày 10/10/2022."),
};
static docr_para_t annex_after[] = {
        {DR_PARA,
         (docr_run_t[]){{"Ghi chú: ", 1, 0},
                        {"số người tham gia tính cả các hoạt động trực tuyến.", 0, 1}},
         2},
};
static docr_annex_t annex = {
        "Phụ lục I",
        "KẾT QUẢ TỔ CHỨC TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022",
        "(Kèm theo Công văn số 2945/UBND-GDĐT ngày 26/9/2022 của UBND huyện Tiên Lãng)",
        annex_before,
        sizeof annex_before / sizeof annex_before[0],
        &table,
        annex_after,
        sizeof annex_after / sizeof annex_after[0],
        NULL,
        0,
};

static docr_t doc = {
        .meta_title = "V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022",
        .meta_author = "UBND huyện Tiên Lãng",
        .parent_body = "",
        .body = "ỦY BAN NHÂN DÂN\nHUYỆN TIÊN LÃNG",
        .number_line = "Số: 2945/UBND-GDĐT",
        .place_date = "Tiên Lãng, ngày 26 tháng 9 năm 2022",
        .vv = "V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022",
        .type_name = "",
        .subject = "",
        .kinh_gui = kinh_gui,
        .nkinh_gui = sizeof kinh_gui / sizeof kinh_gui[0],
        .paras = paras,
        .nparas = sizeof paras / sizeof paras[0],
        .noi_nhan = noi_nhan,
        .nnoi_nhan = sizeof noi_nhan / sizeof noi_nhan[0],
        .signer_lines = signer_lines,
        .nsigner_lines = sizeof signer_lines / sizeof signer_lines[0],
        .signer_name = "Nguyễn Ngọc Huy",
        .annexes = &annex,
        .nannexes = 1,
};
static docr_t doc_noannex;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
set_line(size_t r, size_t c, size_t l, const char *text, unsigned char bold)
{
	snprintf(cell_text[r][c][l], sizeof cell_text[r][c][l], "%s", text);
	cell_runs[r][c][l][0] = (docr_run_t){cell_text[r][c][l], bold, 0};
	cell_lines[r][c][l] = (docr_para_t){DR_PARA, cell_runs[r][c][l], 1};
}

static void
build(void)
{
	static const char *const activities[] = {
	        "Lễ khai mạc Tuần lễ",
	        "Tuyên truyền trên hệ thống truyền thanh",
	        "Lớp tập huấn kỹ năng sử dụng Internet an toàn",
	        "Ngày hội đọc sách",
	};
	char tmp[160];
	for (size_t r = 0; r < ROWS; r++) {
		size_t nl[COLS] = {1, 1, 1, 1};
		snprintf(tmp, sizeof tmp, "%zu", r + 1);
		set_line(r, 0, 0, tmp, 0);
		const char *name = communes[r % NCOMMUNES];
		if (r < NCOMMUNES)
			snprintf(tmp, sizeof tmp, "TTHTCĐ %s%s", r ? "xã " : "", name);
		else
			snprintf(tmp, sizeof tmp, "Trường THCS %s", name);
		set_line(r, 1, 0, tmp, r == 0);
		nl[2] = 1 + r % MAXLINES;
		for (size_t l = 0; l < nl[2]; l++)
			set_line(r, 2, l, activities[(r + l) % 4], 0);
		snprintf(tmp, sizeof tmp, "%zu", 120 + (r * 37) % 900);
		set_line(r, 3, 0, tmp, 0);
		if (r % 5 == 0) {
			set_line(r, 3, 1, "(trực tuyến: 40)", 0);
			nl[3] = 2;
		}
		for (size_t c = 0; c < COLS; c++)
			cells[r * COLS + c] = (docr_cell_t){cell_lines[r][c], nl[c]};
	}
	table = (docr_table_t){COLS, annex_headers, annex_widths, cells, ROWS};
	doc_noannex = doc;
	doc_noannex.annexes = NULL;
	doc_noannex.nannexes = 0;
}

const docr_t *
docr_fixture_000(void)
{
	pthread_once(&once, build);
	return &doc;
}

const docr_t *
docr_fixture_000_noannex(void)
{
	pthread_once(&once, build);
	return &doc_noannex;
}
