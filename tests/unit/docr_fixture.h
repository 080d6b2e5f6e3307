/* Shared test fixture for the document renderers (test_render_pdf.c, test_render_docx.c):
 * seed 000, the Tiên Lãng công văn 2945/UBND-GDĐT of 26/9/2022 about the Lifelong
 * Learning Week, as a docr_t. Static storage: never free it, never modify it. */
#ifndef SUOTDOI_TEST_DOCR_FIXTURE_H
#define SUOTDOI_TEST_DOCR_FIXTURE_H

#include "docs/render.h"

/* Seed 000 plus one annex ("Phụ lục I", title, subtitle, one paragraph before and one
 * after) holding a 4-column table (STT | Đơn vị | Hoạt động đã tổ chức | Số người tham
 * gia; widths 12/50/64/34 mm) of DOCR_FIXTURE_ANNEX_ROWS rows, enough to span pages.
 * Thread-safe (built once under pthread_once). */
const docr_t *docr_fixture_000(void);

/* The same document without the annex (exactly the seed: nannexes == 0). */
const docr_t *docr_fixture_000_noannex(void);

#define DOCR_FIXTURE_ANNEX_ROWS 45

#endif
