/* The compiled results form in the layout of seed 003's Phụ lục, as XLSX: title block
 * ("BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022"),
 * the unit, section I (narrative), II and II.1 as the table STT | Nội dung hoạt động |
 * Kết quả, Số lượng | Ghi chú with the section headings and numbered items, then II.2
 * and III; numbers in the Vietnamese format (1.234.567); text cells neutralised. The unit
 * of measure is put beside the label ("Số lớp xóa mù chữ (lớp)"); Ghi chú holds the unit's
 * own note on the item. */
#ifndef SUOTDOI_PHULUC_H
#define SUOTDOI_PHULUC_H

#include <stddef.h>
#include <stdint.h>

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
} phuluc_t;

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
