/* Certificates (Giấy khen, Bằng khen…) of a commendation decision (docs/awards.md): one
 * A4 landscape page per award in the classic layout -- Quốc hiệu and Tiêu ngữ, the
 * decider ("CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN HẢI AN"), "TẶNG", the form's title, the name,
 * the unit or address, "Danh hiệu: …", "Đã có thành tích: …" (shrunk to fit its box,
 * never past it), "Theo Quyết định số …", the register number, the place-date and the
 * signer block -- inside a border drawn with cairo. Pure: a model in, PDF bytes out
 * (cairo + pango, the fonts of render_pdf.c). */
#ifndef SUOTDOI_DOCS_CERTIFICATE_H
#define SUOTDOI_DOCS_CERTIFICATE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "docs/doc.h"

/* One certificate. Strings UTF-8, "" when absent. */
typedef struct cert_award {
	const char *form;  /* the form's name: "Giấy khen" (printed upper-cased) */
	const char *name;  /* "Gia đình ông Nguyễn Văn Bình" */
	const char *place; /* "Trường THCS Đằng Lâm, phường Đằng Lâm" */
	const char *title; /* a category that is a title: "Gia đình hiếu học"; "" none */
	const char *achievements; /* "Đã có thành tích: " is printed before it; "" none */
	const char *register_no;  /* "03-01/GK" (cert_register_no) */
} cert_award_t;

/* The decision's part, the same on every page. */
typedef struct cert {
	const char *meta_title, *meta_author;
	const char *decider;       /* "CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN HẢI AN" */
	const char *citation;      /* "Theo Quyết định số 03/QĐ-UBND ngày 15/10/2022" */
	const char *place_date;    /* "Hải An, ngày 15 tháng 10 năm 2022" */
	const char **signer_lines; /* "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH" */
	size_t nsigner_lines;
	const char *signer_name;
	const cert_award_t *awards;
	size_t nawards;
} cert_t;

/* The decision's part of c from its document d (issuer: doc_running_name of the issuing
 * unit), awards left empty. In a. */
void cert_from_doc(const doc_t *d, const char *issuer, arena_t *a, cert_t *c /* OUT */);

/* "03-01/GK": the decision's number, the award's position on its list (1-based), and the
 * initials of the form's name (Giấy khen GK, Bằng khen BK, Giấy chứng nhận GCN). In a. */
const char *cert_register_no(int number, int position, const char *form, arena_t *a);

/* Render c: one page per award (at least one award). 0 with the PDF appended to out; -1
 * with a message in err. */
int cert_render_pdf(const cert_t *c, buf_t *out, char *err, size_t errlen);

/* Page geometry (mm): A4 landscape, the border's outer frame inset from the edge. */
#define CERT_PAGE_W_MM 297.0
#define CERT_PAGE_H_MM 210.0
#define CERT_BORDER_MM 9.0

#endif
