/* The render model of an official document (Decree 30/2020/NĐ-CP layout): every string
 * already resolved (upper-cased where the layout wants it, numbers and dates formatted),
 * so the two renderers -- DOCX (render_docx.c, libzip + WordprocessingML) and PDF
 * (render_pdf.c, cairo + pango) -- only lay it out. src/docs/doc.c builds one from a
 * stored document. All strings are UTF-8 NFC and never NULL ("" when absent). */
#ifndef SUOTDOI_DOCS_RENDER_H
#define SUOTDOI_DOCS_RENDER_H

#include <stddef.h>

#include "core/buf.h"

/* A run of text inside a paragraph with its emphasis. */
typedef struct docr_run {
	const char *text;
	unsigned char bold, italic;
} docr_run_t;

typedef enum docr_style {
	DR_PARA,   /* body text: justified, first-line indent 1.27 cm, 14 pt */
	DR_H1,     /* "I. MỤC ĐÍCH YÊU CẦU": bold, justified, same indent */
	DR_H2,     /* "1. Mục đích": bold */
	DR_H3,     /* "2.1. Lễ khai mạc": bold italic */
	DR_CENTER, /* centred, no indent (titles inside an annex) */
} docr_style_t;

typedef struct docr_para {
	docr_style_t style;
	docr_run_t *runs;
	size_t nruns;
} docr_para_t;

/* A table cell: lines, each a paragraph (left-aligned, no first-line indent, 13 pt). */
typedef struct docr_cell {
	docr_para_t *lines;
	size_t nlines;
} docr_cell_t;

/* The compiled results form (seed 003 layout): a header row then rows of cells. */
typedef struct docr_table {
	size_t ncols;
	const char **headers;    /* ncols, bold, centred */
	const double *widths_mm; /* ncols column widths; they sum to the text width (160 mm) */
	docr_cell_t *cells;      /* nrows * ncols, row-major */
	size_t nrows;
} docr_table_t;

/* "Phụ lục I" on its own page: label (bold, centred), title (bold upper, centred),
 * subtitle (italic, centred, may be ""), paragraphs before the table, the table (NULL if
 * none), paragraphs after it. */
typedef struct docr_annex {
	const char *label, *title, *subtitle;
	docr_para_t *before;
	size_t nbefore;
	const docr_table_t *table;
	docr_para_t *after;
	size_t nafter;
	/* The results form (src/export/phuluc.h) when the annex carries it: the renderers
	 * draw its lines after `before` in place of table and after (which then hold the
	 * same form flattened, for readers of the model that do not know the form). */
	const struct phl_layout *form;
	size_t nintro; /* with a form: the first nintro of before are the annex's own text */
} docr_annex_t;

typedef struct docr {
	/* Metadata (PDF Title/Author, DOCX core properties). */
	const char *meta_title, *meta_author;

	/* Top-left block: the parent body (upper, regular 12-13 pt; "" when none, e.g. an
	 * UBND of a district) and the issuing body (upper, bold, with a rule of 1/3-1/2 its
	 * length under it). Either may hold '\n' for a line break ("ỦY BAN NHÂN DÂN\nHUYỆN
	 * TIÊN LÃNG"). */
	const char *parent_body, *body;
	/* Top-right block: Quốc hiệu and Tiêu ngữ are constants in the renderers. */

	/* "Số: 05/KH-UBND" (or "Số:        /UBND-GDĐT" for a draft) under the body block,
	 * on the same row as the italic place-date line ("Hải An, ngày 05 tháng 01 năm
	 * 2022") under the Tiêu ngữ. */
	const char *number_line, *place_date;
	/* Công văn: the subject line under the number ("V/v tổ chức Tuần lễ…", 12 pt, centred
	 * under the left block). "" for other kinds. */
	const char *vv;
	/* Other kinds: the type name (bold upper 14 pt, centred: "KẾ HOẠCH") and the subject
	 * under it (bold 14 pt, centred, may wrap). "" for a công văn. */
	const char *type_name, *subject;

	/* "Kính gửi:" and its addressees, one per line (already ending in ";" or "."). With
	 * one addressee the renderers put it on the "Kính gửi:" line. n == 0: no block. */
	const char **kinh_gui;
	size_t nkinh_gui;

	/* The body: legal bases, sections, duties, closing ("…/."). */
	docr_para_t *paras;
	size_t nparas;

	/* "Nơi nhận:" (bold italic 12 pt) with its list in 11 pt, each line rendered with a
	 * leading "- " (the strings hold no dash; the last is "Lưu: VT, GDĐT."). Left column
	 * of the signature row. */
	const char **noi_nhan;
	size_t nnoi_nhan;
	/* Right column: the authority lines, bold upper, centred ("TM. ỦY BAN NHÂN DÂN",
	 * "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), room for the signature, then the name (bold). */
	const char **signer_lines;
	size_t nsigner_lines;
	const char *signer_name;

	docr_annex_t *annexes;
	size_t nannexes;
} docr_t;

/* Page geometry shared by both renderers (Decree 30, Annex I): A4, margins top 20 mm,
 * bottom 20 mm, left 30 mm, right 20 mm; fonts Times New Roman when installed, else
 * Liberation Serif (metric-compatible). Page numbers centred in the top margin from page
 * 2 on. */
#define DOCR_PAGE_W_MM 210.0
#define DOCR_PAGE_H_MM 297.0
#define DOCR_MARGIN_TOP_MM 20.0
#define DOCR_MARGIN_BOTTOM_MM 20.0
#define DOCR_MARGIN_LEFT_MM 30.0
#define DOCR_MARGIN_RIGHT_MM 20.0
#define DOCR_BODY_PT 14.0
#define DOCR_INDENT_MM 12.7
#define DOCR_PARA_SPACE_PT 6.0

/* Render d. 0 with the file's bytes appended to out; -1 with a message in err. */
int docr_render_pdf(const docr_t *d, buf_t *out, char *err, size_t errlen);
/* The font family the PDF renderer uses: Times New Roman when fontconfig knows it, else
 * Liberation Serif (for other cairo + pango renderers: src/export/phuluc_pdf.c). */
const char *docr_pdf_font_family(void);
struct _PangoLayout;
struct _PangoContext;
/* A pango layout in that family at size points (absolute), bold/italic, wrapped at width
 * points (<= 0: not wrapped) between words or inside a word too long, no hyphen added at a
 * cut: the text layouts of the PDF renderers (the certificates: src/docs/certificate.c).
 * pc: the render's own pango context at 72 dpi. New reference. */
struct _PangoLayout *docr_pdf_layout(struct _PangoContext *pc, double size, int bold, int italic,
                                     double width);
/* Its text s (invalid UTF-8, which pango refuses, shown as U+FFFD), and its height in
 * points (logical extents). */
void docr_pdf_set_text(struct _PangoLayout *l, const char *s);
double docr_pdf_height(struct _PangoLayout *l);
int docr_render_docx(const docr_t *d, buf_t *out, char *err, size_t errlen);

#endif
