/* Open learning resources: the fixed lists, the type sniffer, the checks and the write
 * (see resources.h). */
#include "service/resources.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "core/buf.h"
#include "domain/activity.h"
#include "text/hygiene.h"
#include "text/text.h"

/* ---------- the fixed lists ---------- */

/* Topics after the seeds' lines on the Week (chuyển đổi số, ngoại ngữ - tin học, kỹ năng
 * sống, dạy nghề, văn hóa đọc, nghiên cứu khoa học) and the usual community-centre ones. */
static const res_option_t topics[] = {
        {"chuyen_doi_so", "Chuyển đổi số", NULL},
        {"ngoai_ngu_tin_hoc", "Ngoại ngữ - tin học", NULL},
        {"ky_nang_song", "Kỹ năng sống", NULL},
        {"nghe_nghiep", "Nghề nghiệp, dạy nghề", NULL},
        {"suc_khoe", "Sức khỏe", NULL},
        {"phap_luat", "Pháp luật", NULL},
        {"van_hoa_doc", "Văn hóa đọc, sách", NULL},
        {"khoa_hoc", "Khoa học, nghiên cứu", NULL},
        {"khac", "Khác", NULL},
};
static const res_option_t audiences[] = {
        {"moi_nguoi", "Mọi người", NULL},
        {"nguoi_dan", "Người dân", NULL},
        {"nguoi_cao_tuoi", "Người cao tuổi", NULL},
        {"hoc_sinh", "Học sinh", NULL},
        {"sinh_vien", "Sinh viên", NULL},
        {"giao_vien", "Giáo viên", NULL},
        {"can_bo", "Cán bộ, công chức, viên chức", NULL},
        {"nguoi_lao_dong", "Người lao động", NULL},
};
static const res_option_t licences[] = {
        {"cc_by_4", "CC BY 4.0 (Ghi công)", "https://creativecommons.org/licenses/by/4.0/deed.vi"},
        {"cc_by_sa_4", "CC BY-SA 4.0 (Ghi công - Chia sẻ tương tự)",
         "https://creativecommons.org/licenses/by-sa/4.0/deed.vi"},
        {"cc_by_nc_4", "CC BY-NC 4.0 (Ghi công - Phi thương mại)",
         "https://creativecommons.org/licenses/by-nc/4.0/deed.vi"},
        {"cc0", "CC0 (Dành cho công chúng)",
         "https://creativecommons.org/publicdomain/zero/1.0/deed.vi"},
        {"don_vi_chia_se", "Bản quyền thuộc đơn vị — được phép chia sẻ", NULL},
};
static const res_option_t statuses[] = {
        {"draft", "Bản nháp", NULL},
        {"published", "Đã công bố", NULL},
        {"withdrawn", "Đã thu hồi", NULL},
};

#define NELEM(v) (sizeof(v) / sizeof((v)[0]))

#define LIST_FN(name, array)                                                                       \
	const res_option_t *name(size_t *n)                                                        \
	{                                                                                          \
		*n = NELEM(array);                                                                 \
		return array;                                                                      \
	}
LIST_FN(res_topics, topics)
LIST_FN(res_audiences, audiences)
LIST_FN(res_licences, licences)
LIST_FN(res_statuses, statuses)
#undef LIST_FN

const res_option_t *
res_option_find(const res_option_t *(*list)(size_t *), const char *code)
{
	size_t n;
	const res_option_t *v = list(&n);
	if (code == NULL)
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (strcmp(v[k].code, code) == 0)
			return &v[k];
	return NULL;
}

/* ---------- sniffing ---------- */

static const res_type_t types[] = {
        {"pdf", "PDF", "application/pdf", ".pdf", 1},
        {"docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".docx", 0},
        {"xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".xlsx", 0},
        {"pptx", "PowerPoint",
         "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", 0},
        {"jpeg", "Ảnh JPEG", "image/jpeg", ".jpg", 1},
        {"png", "Ảnh PNG", "image/png", ".png", 1},
        {"webp", "Ảnh WebP", "image/webp", ".webp", 1},
        {"mp3", "Âm thanh MP3", "audio/mpeg", ".mp3", 0},
        {"mp4", "Video MP4", "video/mp4", ".mp4", 0},
};

const res_type_t *
res_type_find(const char *code)
{
	for (size_t k = 0; code && k < NELEM(types); k++)
		if (strcmp(types[k].code, code) == 0)
			return &types[k];
	return NULL;
}

/* An OOXML package: a ZIP whose [Content_Types].xml exists and whose main part names the
 * application. libzip reads the central directory, so the order of entries is free. */
static const res_type_t *
sniff_ooxml(const void *data, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (src == NULL) {
		zip_error_fini(&ze);
		return NULL;
	}
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (z == NULL) {
		zip_source_free(src);
		return NULL;
	}
	const res_type_t *t = NULL;
	if (zip_name_locate(z, "[Content_Types].xml", 0) >= 0) {
		if (zip_name_locate(z, "word/document.xml", 0) >= 0)
			t = res_type_find("docx");
		else if (zip_name_locate(z, "xl/workbook.xml", 0) >= 0)
			t = res_type_find("xlsx");
		else if (zip_name_locate(z, "ppt/presentation.xml", 0) >= 0)
			t = res_type_find("pptx");
	}
	zip_discard(z);
	return t;
}

/* An MPEG audio frame header: sync, a version and layer that exist, a bitrate and sample
 * rate that are not the reserved values. */
static int
mpeg_frame(const unsigned char *p)
{
	return p[0] == 0xFF && (p[1] & 0xE0) == 0xE0 && ((p[1] >> 3) & 3) != 1 &&
	       ((p[1] >> 1) & 3) != 0 && (p[2] >> 4) != 0xF && (p[2] >> 4) != 0 &&
	       ((p[2] >> 2) & 3) != 3;
}

const res_type_t *
res_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;
	if (p == NULL || len < 4)
		return NULL;
	if (len >= 8 && !memcmp(p, "%PDF-", 5))
		return res_type_find("pdf");
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return res_type_find("png");
	if (p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return res_type_find("jpeg");
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return res_type_find("webp");
	if (len >= 30 && !memcmp(p, "PK\x03\x04", 4))
		return sniff_ooxml(data, len);
	if (len >= 10 && !memcmp(p, "ID3", 3) && p[3] <= 4 && (p[6] | p[7] | p[8] | p[9]) < 0x80)
		return res_type_find("mp3");
	if (mpeg_frame(p))
		return res_type_find("mp3");
	if (len >= 12 && !memcmp(p + 4, "ftyp", 4)) {
		for (int k = 8; k < 12; k++)
			if (p[k] < 0x20 || p[k] > 0x7E)
				return NULL;
		return res_type_find("mp4");
	}
	return NULL;
}

/* ---------- checks ---------- */

static const char *const fcodes[RF_COUNT] = {"title",   "description", "topic", "audience",
                                             "licence", "link",        "file",  "published",
                                             "status",  "campaign"};

const char *
res_field_code(int f)
{
	return f >= 0 && f < RF_COUNT ? fcodes[f] : "";
}

static void
err(res_errors_t *e, int f, const char *msg)
{
	if (e->msg[f] == NULL)
		e->n++;
	e->msg[f] = msg;
}

/* The uploaded name without directories, quotes or control characters, at most
 * RES_FILE_NAME_MAX bytes (cut at a character boundary), ending in the sniffed type's
 * extension; "hoc-lieu.<ext>" when nothing is left. */
const char *
res_file_name(arena_t *a, const char *name, const res_type_t *t)
{
	buf_t b = BUF_INIT;
	/* a name that is not UTF-8 (an old phone's code page) is replaced, not shown garbled */
	const char *base = name && text_utf8_valid(name, strlen(name)) ? name : "";
	for (const char *s = base; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	for (const unsigned char *s = (const unsigned char *)base; *s; s++)
		if (*s >= 0x20 && *s != 0x7F && *s != '"' && *s != ';')
			buf_putc(&b, (char)*s);
	size_t ext = strlen(t->ext);
	size_t max = RES_FILE_NAME_MAX - ext;
	size_t n = b.len;
	if (n > max) {
		n = max;
		while (n > 0 && (((unsigned char)buf_cstr(&b)[n]) & 0xC0) == 0x80)
			n--;
	}
	/* drop the name's own extension when it is the type's, so it is not doubled */
	const char *s = buf_cstr(&b);
	if (n >= ext && !strncasecmp(s + n - ext, t->ext, ext))
		n -= ext;
	if (t->ext[1] == 'j' && n >= 5 && !strncasecmp(s + n - 5, ".jpeg", 5))
		n -= 5;
	const char *out = n ? arena_printf(a, "%.*s%s", (int)n, s, t->ext)
	                    : arena_printf(a, "hoc-lieu%s", t->ext);
	buf_free(&b);
	return out;
}

/* The search column: title, description and the names of the topic and the audience, so
 * "chuyen doi so" finds a handbook filed under Chuyển đổi số. */
static const char *
fold_of(arena_t *a, const char *title, const char *description, const char *topic,
        const char *audience)
{
	buf_t in = BUF_INIT, out = BUF_INIT;
	const res_option_t *t = res_option_find(res_topics, topic);
	const res_option_t *u = res_option_find(res_audiences, audience);
	buf_printf(&in, "%s %s %s %s", title, description, t ? t->name : "", u ? u->name : "");
	const char *r =
	        text_fold(buf_cstr(&in), in.len, &out) == 0 ? arena_strdup(a, buf_cstr(&out)) : "";
	buf_free(&in);
	buf_free(&out);
	return r;
}

static const char *
list_names(arena_t *a, const res_option_t *v, size_t n)
{
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		if (k)
			buf_puts(&b, ", ");
		buf_puts(&b, v[k].name);
	}
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* A choice from a fixed list: the entry's code, or an error naming the field. */
static const char *
pick(arena_t *a, res_errors_t *e, int f, const char *label, const res_option_t *(*list)(size_t *),
     const char *typed)
{
	size_t n;
	const res_option_t *v = list(&n);
	if (text_blank(typed)) {
		err(e, f,
		    arena_printf(a, "%s: hãy chọn một mục (%s).", label, list_names(a, v, n)));
		return NULL;
	}
	const res_option_t *o = res_option_find(list, typed);
	if (o == NULL) {
		char c[40];
		snprintf(c, sizeof c, "%.32s", typed);
		err(e, f,
		    arena_printf(a, "%s “%s” không có trong danh sách; hãy chọn một mục (%s).",
		                 label, text_utf8_valid(c, strlen(c)) ? c : "?",
		                 list_names(a, v, n)));
		return NULL;
	}
	return o->code;
}

/* Size in tenths of a megabyte, rounded up (a file just over the cap never reads "20,0"). */
static size_t
tenths_mb(size_t n)
{
	const size_t mb = 1024 * 1024;
	return n / mb * 10 + ((n % mb) * 10 + mb - 1) / mb; /* no overflow for any size_t */
}

static int32_t
vn_day(int64_t t)
{
	int64_t d = t + 7 * 3600;
	return (int32_t)(d >= 0 ? d / 86400 : (d - 86399) / 86400);
}

res_rc_t
res_save(const res_ctx_t *cx, const store_resource_t *old, int64_t unit_id, const char *unit_path,
         int64_t campaign_id, const res_input_t *in, int64_t expected_version,
         store_resource_t *out, res_errors_t *e)
{
	arena_t *a = cx->arena;
	memset(e, 0, sizeof *e);
	memset(out, 0, sizeof *out);
	/* title and description through text hygiene (text/hygiene.h): NFC, trimmed, no
	 * control character (line breaks only in the description), no bidi override, in the
	 * title no invisible character, the byte limits */
	const char *title, *desc;
	const char *why =
	        text_clean_field(a, "Tên học liệu", in->title,
	                         TEXT_NAME | TEXT_TRIM | TEXT_REQUIRED, RES_TITLE_MAX, &title);
	if (why) {
		err(e, RF_TITLE,
		    text_blank(in->title)
		            ? "Tên học liệu: chưa nhập; hãy nhập tên (tối đa 300 byte)."
		            : why);
		title = in->title ? in->title : "";
	}
	why = text_clean_field(a, "Mô tả", in->description, TEXT_MULTILINE | TEXT_TRIM,
	                       RES_DESCRIPTION_MAX, &desc);
	if (why) {
		err(e, RF_DESCRIPTION, why);
		desc = in->description ? in->description : "";
	}
	/* the fixed lists */
	const char *topic = pick(a, e, RF_TOPIC, "Chủ đề", res_topics, in->topic);
	const char *aud = pick(a, e, RF_AUDIENCE, "Đối tượng", res_audiences, in->audience);
	const char *lic = pick(a, e, RF_LICENCE, "Giấy phép", res_licences, in->licence);
	const char *status = "published";
	if (!text_blank(in->status))
		status = pick(a, e, RF_STATUS, "Trạng thái", res_statuses, in->status);
	/* published date: empty = today */
	int32_t today = vn_day(cx->now), day = today;
	if (!text_blank(in->published)) {
		if (text_parse_day(in->published, &day) < 0 ||
		    day < text_days_from_civil(2000, 1, 1) || day > today + 366) {
			char c[40];
			snprintf(c, sizeof c, "%.32s", in->published);
			err(e, RF_PUBLISHED,
			    arena_printf(
			            a,
			            "Ngày công bố “%s” không hợp lệ; hãy nhập ngày dạng dd/mm/yyyy "
			            "(từ năm 2000 đến nay), hoặc để trống là hôm nay.",
			            text_utf8_valid(c, strlen(c)) ? c : "?"));
		}
	}
	/* a file or a link, exactly one */
	const char *link = in->link ? in->link : "";
	int has_link = !text_blank(link), has_file = in->file != NULL;
	const res_type_t *ft = NULL;
	if (has_link && has_file)
		err(e, RF_LINK,
		    "Đường dẫn: học liệu là một tệp hoặc một đường dẫn, không cả hai; hãy bỏ một "
		    "trong hai.");
	else if (has_link && (strlen(link) > RES_LINK_MAX || !activity_link_ok(link)))
		err(e, RF_LINK,
		    "Đường dẫn không hợp lệ; hãy nhập địa chỉ bắt đầu bằng http:// hoặc https:// "
		    "(ví dụ https://hoclieu.vn/bai-giang), tối đa 500 byte.");
	if (has_file && !has_link) {
		if (in->file_len == 0)
			err(e, RF_FILE, "Tệp: tệp gửi lên rỗng; hãy chọn lại tệp.");
		else if (in->file_len > RES_FILE_MAX)
			err(e, RF_FILE,
			    arena_printf(
			            a,
			            "Tệp lớn %zu,%zu MB, quá giới hạn 20 MB; hãy nén hoặc chia nhỏ "
			            "tệp, hoặc đăng lên nơi khác rồi gửi đường dẫn.",
			            tenths_mb(in->file_len) / 10, tenths_mb(in->file_len) % 10));
		else if ((ft = res_sniff(in->file, in->file_len)) == NULL)
			err(e, RF_FILE,
			    "Tệp: nội dung không phải PDF, Word, Excel, PowerPoint (.docx, .xlsx, "
			    ".pptx), ảnh JPEG/PNG/WebP, MP3 hay MP4; hãy chọn tệp đúng định dạng.");
	}
	if (!has_link && !has_file && (old == NULL || !*old->file_name))
		err(e, RF_FILE,
		    "Tệp hoặc đường dẫn: chưa có; hãy chọn một tệp (tối đa 20 MB) hoặc "
		    "nhập một đường dẫn http(s).");
	if (campaign_id < 0)
		err(e, RF_CAMPAIGN,
		    "Đợt: hãy chọn một đợt trong danh sách (đợt đang mở của cấp trên "
		    "có đơn vị này), hoặc để trống.");
	if (e->n)
		return RES_ERR_INVALID;

	store_resource_t r = old ? *old : (store_resource_t){0};
	if (!old) {
		r.created_at = cx->now;
		r.created_by = cx->actor;
	}
	r.unit_id = unit_id;
	r.unit_path = unit_path;
	r.campaign_id = campaign_id;
	r.title = arena_strdup(a, title);
	r.description = arena_strdup(a, desc);
	r.topic = topic;
	r.audience = aud;
	r.licence = lic;
	r.published_on = day;
	r.status = status;
	if (has_link) {
		r.link = arena_strdup(a, link);
		r.file_name = r.file_type = "";
		r.file_size = 0;
	} else if (has_file) {
		r.link = "";
		r.file_name = res_file_name(a, in->file_name, ft);
		r.file_type = ft->code;
		r.file_size = (int64_t)in->file_len;
	}
	r.fold = fold_of(a, r.title, r.description, r.topic, r.audience);
	r.updated_at = cx->now;
	r.updated_by = cx->actor;
	int64_t id, ver;
	int rc = store_resource_save(cx->store, &r, has_file && !has_link ? in->file : NULL,
	                             in->file_len, expected_version, &id, &ver);
	if (rc == -2)
		return RES_ERR_CONFLICT;
	if (rc < 0)
		return RES_ERR_STORE;
	r.id = id;
	r.version = ver;
	*out = r;
	return RES_OK;
}

int
res_query_words(arena_t *a, const char *q, const char **words, int max)
{
	buf_t f = BUF_INIT;
	int n = 0;
	if (q && text_fold(q, strlen(q), &f) == 0) {
		const char *s = buf_cstr(&f);
		while (*s && n < max) {
			while (*s == ' ')
				s++;
			size_t l = strcspn(s, " ");
			if (l == 0)
				break;
			words[n++] = arena_strndup(a, s, l > 64 ? 64 : l);
			s += l;
		}
	}
	buf_free(&f);
	return n;
}

int
res_counts_in(const store_resource_t *r, const int64_t *ids, size_t n, int year)
{
	if (strcmp(r->status, "published") != 0)
		return 0;
	if (r->campaign_id) {
		for (size_t k = 0; k < n; k++)
			if (ids[k] == r->campaign_id)
				return 1;
		return 0;
	}
	return r->published_on >= text_days_from_civil(year, 1, 1) &&
	       r->published_on <= text_days_from_civil(year, 12, 31);
}
