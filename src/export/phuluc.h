/* The compiled results form as seed 003 prints it (the báo cáo form of its Phụ lục): "Số:
 * …/BC-…", place and date, the title "BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC / TUẦN LỄ
 * HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022", the unit, I (narrative), "II. Kết quả cụ thể" with
 * "1. …" and the table TT | Nội dung hoạt động | Kết quả, Số lượng | Ghi chú, "2. …", III,
 * then Nơi nhận and THỦ TRƯỞNG ĐƠN VỊ. Laid out once (phuluc_layout, below), written as XLSX
 * (phuluc.c) and PDF (phuluc_pdf.c) and drawn as a document's annex (src/docs). Labels as
 * the template has them, the unit of measure after each number ("12 lớp"), Ghi chú the
 * unit's own note on the value; text cells neutralised. */
#ifndef SUOTDOI_PHULUC_H
#define SUOTDOI_PHULUC_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "domain/template.h"

typedef struct phuluc {
	const template_t *tpl;
	const char *unit_name;    /* "Quận Hải An" */
	const char *place_date;   /* "Hải An, ngày 10 tháng 10 năm 2022" or NULL */
	const char *scope_note;   /* e.g. "Tổng hợp 4 báo cáo đã nộp" or NULL */
	const int64_t *num;       /* tpl->ncols values */
	const unsigned char *has; /* tpl->ncols flags */
	const char *const *text;  /* tpl->ntexts texts (NULL = empty) */
	/* The unit's note per item in document order (sections, then items; NULL, or NULL
	 * entries = none): the Ghi chú column, a narrative's "Ghi chú:" line. */
	const char *const *note;
	/* How many reports num adds up. Above 1 a yes/no item holds how many units answered
	 * "có" (the roll-up's sum) and is shown as that count; 0 or 1 shows "Có"/"Không". */
	int64_t nreports;
	/* The form's "Số: 05/BC-UBND" line (NULL: the blank form's "Số: …/BC-…"). */
	const char *number_line;
	/* A document's annex only: its reference line under "Phụ lục", "(Kèm theo Kế hoạch số
	 * 01/KH-UBND ngày 28/9/2022 của Ủy ban nhân dân quận Hải An)" (doc_annex_reference,
	 * filled by the caller: src/app/doc_pages.c, doc_results); NULL or "": none. */
	const char *reference;
} phuluc_t;

/* ---- the form's layout: one description, four renderers ----
 *
 * The results form of seed 003 ("Số: …/BC-…", place and date, the two-line title, "I.
 * Công tác chỉ đạo", "II. Kết quả cụ thể", "1. Các kết quả…" with the table TT | Nội
 * dung hoạt động | Kết quả, Số lượng | Ghi chú, "2. Những thuận lợi và khó khăn", "III.
 * Kế hoạch tiếp theo", then "Nơi nhận:" beside "THỦ TRƯỞNG ĐƠN VỊ") as a list of lines
 * made once from the template and the values. The Phụ lục XLSX (phuluc.c), the Phụ lục
 * PDF (phuluc_pdf.c) and a document's results annex in PDF and DOCX (src/docs/doc.c,
 * render_pdf.c, render_docx.c) draw these lines and decide nothing about the form. */
typedef enum phl_kind {
	PHL_NUMBER,        /* "Số: …/BC-…": left */
	PHL_PLACE_DATE,    /* "Hải An, ngày … tháng … năm 2022": italic, right */
	PHL_TITLE,         /* bold, centred, upper case (the title is two of these) */
	PHL_CENTER,        /* centred: "Đơn vị: Quận Hải An" */
	PHL_CENTER_ITALIC, /* centred italic: "Tổng hợp 4 báo cáo đã nộp" */
	PHL_HEADING, /* bold: "I. Công tác chỉ đạo", "II. Kết quả cụ thể", "1. Các…" */
	PHL_LABEL,  /* italic: a narrative item's own label */
	PHL_TEXT,   /* a narrative text (lines split by '\n'; "" = a line to write on) */
	PHL_NOTE,   /* italic: "Ghi chú: …" under a narrative item */
	PHL_ROW,    /* a table row; consecutive rows are one table under the header */
	PHL_CLOSING /* text "Nơi nhận:" (italic, left), right "THỦ TRƯỞNG ĐƠN VỊ" */
} phl_kind_t;

typedef struct phl_line {
	phl_kind_t kind;
	/* The line. PHL_ROW: the content cell, marker included ("+ Số lớp xóa mù chữ",
	 * "- Số lượt người tham gia"; a group's label alone). Never NULL. */
	const char *text;
	const char *right; /* PHL_CLOSING: the right column; else "" */
	/* PHL_ROW only ("" elsewhere): */
	const char *tt;    /* the group's number ("5") on a group row, else "" */
	const char *value; /* Kết quả as shown: "7.734.567 bài", "Có", a text, or "" */
	const char *unit;  /* what a number counts, shown after it ("bài"), or "" */
	const char *note;  /* Ghi chú: the unit's note on this value, or "" */
	int64_t num;       /* numeric = 1: the number value shows (XLSX writes a number) */
	unsigned char numeric;
	unsigned char bold;   /* a group row */
	unsigned char indent; /* 0..2 steps */
	unsigned char span;   /* a text answer without a note: Kết quả and Ghi chú joined */
	unsigned char marker_len; /* text's first bytes that are the form's marker ("- ") */
} phl_line_t;

typedef struct phl_layout {
	phl_line_t *lines;
	size_t n;
} phl_layout_t;

/* The table's header cells. */
extern const char *const phuluc_headers[4];

/* Lays p out into out, every string in a (lives as long as a). */
void phuluc_layout(const phuluc_t *p, arena_t *a, phl_layout_t *out /* OUT */);

/* Append the XLSX bytes to out. -1 with a Vietnamese err on failure. */
int phuluc_write_xlsx(const phuluc_t *p, buf_t *out, char *err, size_t errlen);

/* Append the same form as PDF (phuluc_pdf.c: cairo + pango, A4 portrait, the table's
 * header row repeated on every page, numbers as 1.234.567, "Trang n/N" at the foot).
 * -1 with a Vietnamese err on failure. */
int phuluc_write_pdf(const phuluc_t *p, buf_t *out, char *err, size_t errlen);

/* ---- the layout both renderers share (phuluc.c) ---- */

/* The heading of section sec into line ("1. Các kết quả…"); a sub-section "II.1" whose
 * parent differs from the previous section's first puts its parent's line into
 * parent_line ("II. Kết quả cụ thể"). parent carries the state from section to section
 * ("" before the first). */
void phuluc_section_heading(const tpl_section_t *sec, char *parent, size_t parent_cap,
                            buf_t *parent_line, buf_t *line);
/* The note on item it of p ("" when none). */
const char *phuluc_note(const phuluc_t *p, const tpl_item_t *it);
/* What a figure counts, put beside its label ("bài", "đồng", "đơn vị có" for a compiled
 * yes/no), or "" (a single yes/no, a heading, a text). */
const char *phuluc_measure(const phuluc_t *p, const tpl_item_t *it);
/* 1 for a table line that shows its number and reads bold (a group). */
int phuluc_is_group_line(const tpl_item_t *it);
/* How a sub-line reads: its marker ("- " or "+ ") and indent (0..2 steps); prev is the
 * item above it in the section, or NULL. Under "5", "5.1.lop" / "5.1.nguoi" read as
 * "+ Số lớp…" then an indented "- Số lượt người tham gia", like the original. */
void phuluc_subline(const tpl_item_t *it, const tpl_item_t *prev, const char **marker,
                    size_t *indent);

#endif
