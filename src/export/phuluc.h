/* The compiled results form in the layout of seed 003's Phụ lục, as XLSX: title block
 * ("BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022"),
 * the unit, section I (narrative), II and II.1 as the table STT | Nội dung hoạt động |
 * Kết quả, Số lượng | Ghi chú with the section headings and numbered items, then II.2
 * and III; numbers in the Vietnamese format (1.234.567); text cells neutralised. */
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
	/* How many reports num adds up. Above 1 a yes/no item holds how many units answered
	 * "có" (the roll-up's sum) and is shown as that count; 0 or 1 shows "Có"/"Không". */
	int64_t nreports;
} phuluc_t;

/* Append the XLSX bytes to out. -1 with a Vietnamese err on failure. */
int phuluc_write_xlsx(const phuluc_t *p, buf_t *out, char *err, size_t errlen);

#endif
