/* Official documents (văn bản) as data: công văn, kế hoạch, báo cáo, quyết định, with the
 * parts Decree 30/2020/NĐ-CP names -- number and symbol, issuing body and its parent,
 * place and date, subject, legal bases (linked to the documents they implement),
 * addressees, body, duties per body, distribution list, signer block, annexes. Stored as
 * JSON (docs/documents.md); parsed strictly with errors naming the field; turned into the
 * render model of src/docs/render.h for DOCX and PDF. Pure: no store, no HTTP. */
#ifndef SUOTDOI_DOC_H
#define SUOTDOI_DOC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "docs/render.h"
#include "export/phuluc.h"

typedef enum doc_kind { DOC_CV, DOC_KH, DOC_BC, DOC_QD, DOC_KIND_COUNT } doc_kind_t;

/* "cv", "kh", "bc", "qd" <-> kind; parse -1 when unknown. */
const char *doc_kind_code(doc_kind_t k);
int doc_kind_parse(const char *code, doc_kind_t *out /* OUT */);
/* "Công văn", "Kế hoạch", "Báo cáo", "Quyết định". */
const char *doc_kind_name(doc_kind_t k);

/* Who a line of "Kính gửi" or a duty is for: the text as printed, and the units it
 * reaches in the system -- listed codes, and every unit of the listed kinds inside the
 * issuer's area. Both lists may be empty (a body outside the system: printed only). */
typedef struct doc_target {
	const char *text;
	const char **units; /* unit codes */
	size_t nunits;
	const char **kinds; /* unit kind codes */
	size_t nkinds;
} doc_target_t;

typedef struct doc_duty {
	doc_target_t who;
	int lead;         /* 1 chủ trì, 0 phối hợp */
	const char *task; /* what they do */
	int32_t due;      /* days since 1970-01-01; 0 none */
} doc_duty_t;

/* A legal basis: the sentence as printed ("Thực hiện Công văn số 3201/VP-VX ngày
 * 14/9/2022 của Ủy ban nhân dân thành phố Hải Phòng về việc …;") and the document in the
 * system it refers to (0 when outside). */
typedef struct doc_basis {
	int64_t doc_id;
	const char *text;
} doc_basis_t;

/* An annex: "Phụ lục I" etc. (label may be "" and is then numbered by position), its
 * title, subtitle and text (body markup), whether the compiled results form of the
 * document's campaign is attached as its table, and whether the list of awards of the
 * decision (khen thưởng, docs/awards.md) is (a Quyết định made from proposals). */
typedef struct doc_annex {
	const char *label, *title, *subtitle, *text;
	int results;
	int awards;
} doc_annex_t;

typedef struct doc_signer {
	const char *tm; /* collective: "ỦY BAN NHÂN DÂN" -> "TM. ỦY BAN NHÂN DÂN"; "" none */
	const char *authority; /* "", "KT.", "Q.", "TL.", "TUQ." */
	const char *head;      /* the head's title the authority is for: "CHỦ TỊCH" */
	const char *position;  /* the signer's own title: "PHÓ CHỦ TỊCH" */
	const char *name;      /* "Nguyễn Ngọc Huy" */
} doc_signer_t;

typedef struct doc {
	doc_kind_t kind;
	int number;               /* 0 until issued */
	int32_t date;             /* 0 until dated (a draft shows blanks) */
	int year;                 /* the year shown while undated (a draft's campaign year) */
	const char *body_abbr;    /* the issuing body in the symbol: "UBND", "PGDĐT" */
	const char *drafter_abbr; /* công văn: the drafting unit: "GDĐT" ("UBND-GDĐT"); "" */
	const char *parent_body;  /* "UBND HUYỆN ĐẠI TỪ" or "" (upper-cased when rendered) */
	const char *body;         /* "ỦY BAN NHÂN DÂN\nHUYỆN TIÊN LÃNG" */
	const char *place;        /* "Tiên Lãng" */
	const char *subject; /* "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022" */
	doc_basis_t *bases;
	size_t nbases;
	doc_target_t *recipients; /* Kính gửi */
	size_t nrecipients;
	/* The body as lines (docs/documents.md): a line is a paragraph; "# ", "## ", "### "
	 * start headings; **bold** and *italic* inside; a line "[nhiệm vụ]" is where the
	 * duties are printed (at the end when absent). */
	const char *text;
	doc_duty_t *duties;
	size_t nduties;
	const char **distribution; /* Nơi nhận lines, without the leading "- " */
	size_t ndistribution;
	doc_signer_t signer;
	doc_annex_t *annexes;
	size_t nannexes;
} doc_t;

/* A field error: the JSON path ("duties[2].task", "subject") and a Vietnamese message
 * saying what is wrong and what to do. */
typedef struct doc_error {
	char field[64];
	char msg[300];
} doc_error_t;

#define DOC_MAX_ERRORS 32

/* Limits (bytes). */
#define DOC_MAX_TEXT (200 * 1024) /* the body */
#define DOC_MAX_LINE 2000         /* subject, a basis, a recipient, a distribution line */
#define DOC_MAX_TASK 5000
#define DOC_MAX_LIST 200 /* bases, recipients, duties, distribution lines, annexes */

/* Parse and validate a document JSON (docs/documents.md) into a (allocated in a). Strict:
 * unknown fields, wrong types, bad dates ("YYYY-MM-DD"), oversize or control characters,
 * too many entries, an unknown authority, a duty without task or addressee: -1 with up to
 * DOC_MAX_ERRORS errors (how many in *nerr). 0 on success. */
int doc_parse(const char *json, size_t len, arena_t *a, doc_t **out /* OUT */,
              doc_error_t *errs /* DOC_MAX_ERRORS */, size_t *nerr /* OUT */);
/* Text hygiene of every text of d (text/hygiene.h), in place: NFC, spaces at both ends
 * trimmed (the body text keeps its own), no control characters (line breaks only in the
 * multi-line parts), no bidi controls, no invisible characters in names, titles and
 * signers, a required text not only spaces, the limits below. -1 with errors naming the
 * part and what to do (as doc_validate's), 0 when clean. Strings may be replaced by copies
 * in a. Every input (the form, the JSON API, a Word import) calls it before doc_validate;
 * a stored document is read as stored. */
int doc_clean(doc_t *d, arena_t *a, doc_error_t *errs /* DOC_MAX_ERRORS */,
              size_t *nerr /* OUT */);
/* doc_clean for a document read from a Word file: the invisible characters Word leaves in
 * its runs (soft hyphens, zero-width spaces, joiners, BOM) are removed instead of refused
 * (TEXT_DROP_INVISIBLE); everything else is refused as doc_clean refuses it. */
int doc_clean_imported(doc_t *d, arena_t *a, doc_error_t *errs /* DOC_MAX_ERRORS */,
                       size_t *nerr /* OUT */);
/* Validate an already built document (the form handler fills a doc_t itself). Same rules
 * and return as doc_parse. */
int doc_validate(const doc_t *d, doc_error_t *errs, size_t *nerr /* OUT */);
/* The document as JSON (new reference); doc_parse(doc_json(d)) equals d. */
json_t *doc_json(const doc_t *d);

/* "KH-UBND", "UBND-GDĐT" (a công văn: body then drafter), "BC-PGDĐT". */
void doc_symbol(const doc_t *d, buf_t *out);
/* "Số: 05/KH-UBND" (leading zero below 10), or "Số:         /KH-UBND" before issue. */
void doc_number_line(const doc_t *d, buf_t *out);
/* "Hải An, ngày 05 tháng 01 năm 2022": day < 10 and months 1, 2 with a leading zero; blanks
 * for an undated draft ("Hải An, ngày      tháng      năm 2022"). */
void doc_place_date(const doc_t *d, buf_t *out);
/* ---- Citations: the one formatter every citation of a document by number goes through
 * (legal bases, annex reference lines, PDF/DOCX metadata, pages, notices). Decree 30's
 * zero padding: numbers below 10 get a leading zero ("01/KH-UBND"); no number yet (a
 * draft) prints blanks ("      /KH-UBND"), as the number line of a draft does. Dates in
 * running text as the seeds write them: "28/9/2022", "03/10/2022", "05/01/2022" (day < 10
 * and months 1, 2 with a leading zero). ---- */

/* The blanks a citation shows for a number not yet given. */
#define DOC_BLANK_NUMBER "      "

/* "01/KH-UBND", "2945/UBND-GDĐT", "      /KH-UBND" (number <= 0). */
void doc_number_symbol(int number, const char *symbol, buf_t *out);
/* "28/9/2022" (days since 1970-01-01; nothing when 0). */
void doc_cite_date(int32_t date, buf_t *out);
/* "Kế hoạch số 01/KH-UBND ngày 28/9/2022 của Ủy ban nhân dân quận Hải An": kind name,
 * number and symbol, then " ngày <date>" when date != 0 and " của <issuer>" when issuer is
 * neither NULL nor "" (issuer: the issuing body's name in running text, see
 * doc_running_name). */
void doc_citation(doc_kind_t kind, int number, const char *symbol, int32_t date, const char *issuer,
                  buf_t *out);
/* doc_citation of d (its kind, number, doc_symbol and date). */
void doc_cite(const doc_t *d, const char *issuer, buf_t *out);
/* The annex reference line under an annex's title: "(Kèm theo Kế hoạch số 01/KH-UBND ngày
 * 28/9/2022 của Ủy ban nhân dân quận Hải An)". */
void doc_annex_reference(const doc_t *d, const char *issuer, buf_t *out);
/* The short form for titles and metadata: "Kế hoạch 01/KH-UBND" ("Kế hoạch KH-UBND"
 * before a number is given). */
void doc_cite_short(const doc_t *d, buf_t *out);
/* The issuing unit's name as written in running text: a locality's people's committee
 * ("Quận Hải An" -> "Ủy ban nhân dân quận Hải An"), a body's own name otherwise. In a. */
const char *doc_running_name(arena_t *a, const char *unit_name, int is_locality);

/* The reference to an issued document used in legal bases: doc_cite then " về việc
 * <subject in running case>": "Công văn số 2945/UBND-GDĐT ngày 26/9/2022 của Ủy ban nhân
 * dân huyện Tiên Lãng về việc tổ chức Tuần lễ…". */
void doc_reference(const doc_t *d, const char *issuer, buf_t *out);

/* Defaults for a new document of unit (name, kind code, is_locality; parent: the
 * locality holding a body, NULL for a locality): parent_body, body, body_abbr, place. */
void doc_defaults_for_unit(doc_t *d, arena_t *a, const char *unit_name, const char *unit_kind,
                           int is_locality, const char *parent_locality_name);

/* A lower level's plan made from parent (id parent_id, issued by parent_issuer): a kế
 * hoạch of the same subject and body text, its legal basis the reference to parent, dates
 * and duties empty for the new issuer to fill. The issuer fields come from defaults of the
 * new issuer (fill them with doc_defaults_for_unit before or after). */
doc_t *doc_derive(const doc_t *parent, int64_t parent_id, const char *parent_issuer, arena_t *a);

/* The compiled results form as an annex in seed 003's layout (phuluc_layout: "Số: …/BC-…"
 * with number_line, the place and date, the title, I, II, the table TT | Nội dung hoạt
 * động | Kết quả, Số lượng | Ghi chú, III, "Nơi nhận:" and "THỦ TRƯỞNG ĐƠN VỊ"); the
 * subtitle is p->reference when set. number_line, place_date: the
 * document's own ("" or NULL: the blank form's). */
void doc_results_annex(const phuluc_t *p, const char *number_line, const char *place_date,
                       arena_t *a, docr_annex_t *out /* OUT */);

/* The render model of d (everything in a). results: the compiled form for annexes with
 * results = 1 (NULL: those annexes show their text only). */
docr_t *doc_render_model(const doc_t *d, const phuluc_t *results, arena_t *a);

/* Split body markup into paragraphs (exposed for tests). */
size_t doc_markup(const char *text, arena_t *a, docr_para_t **out /* OUT */);

/* ---- Commendation decisions (docs/awards.md): the awards list of an annex with
 * awards = 1, and the decider as written in citations and on certificates. ---- */

/* One award on a decision's list, every string already resolved (names from the
 * catalog, "" when absent). */
typedef struct doc_award {
	const char *name; /* "Gia đình ông Nguyễn Văn Bình", "Trường THCS Đằng Lâm" */
	const char *place;    /* the proposal's place (address, school); may be "" */
	const char *unit;     /* the proposing unit's name */
	const char *category; /* the category's name: "Gia đình hiếu học" */
	const char *form;     /* the form's name: "Giấy khen" */
	int collective;       /* 1: listed under "I. TẬP THỂ", 0: under "II. CÁ NHÂN" */
	int64_t amount;       /* đồng */
} doc_award_t;

/* "Đơn vị, địa chỉ" of w: its place, then the proposing unit unless the place names it
 * ("Tổ dân phố 5, phường Đằng Lâm, Trường THCS Đằng Lâm"). In a. */
const char *doc_award_where(const doc_award_t *w, arena_t *a);
/* Who decides, in running text: "Ủy ban nhân dân quận Hải An" for a collective decision
 * (signer.tm set), else the head's title before a locality's committee: "Chủ tịch Ủy ban
 * nhân dân quận Hải An" (signer.head, or signer.position when there is no authority).
 * issuer: doc_running_name of the issuing unit (NULL or "": NULL). In a. */
const char *doc_decider(const doc_t *d, const char *issuer, arena_t *a);
/* The same upper-cased for the top of a certificate: "CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN HẢI
 * AN", or the body ("ỦY BAN NHÂN DÂN QUẬN HẢI AN", its lines joined) when collective. */
const char *doc_decider_upper(const doc_t *d, const char *issuer, arena_t *a);

/* The awards list as an annex's table (TT | Tên tập thể / Họ và tên | Đơn vị, địa chỉ |
 * Danh hiệu | Hình thức | Số tiền (đồng)): "I. TẬP THỂ" then "II. CÁ NHÂN" (a group
 * without awards left out, the next numbered on), each numbered from 1 in the given
 * order, then the total row "Tổng cộng: N tập thể, M cá nhân" with the sum. In a. */
docr_table_t *doc_awards_table(const doc_award_t *v, size_t n, arena_t *a);
/* Attach the list to every annex of m (the model of d) whose d annex has awards = 1: the
 * table, the title "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG" when the annex has none,
 * and the reference line "(Kèm theo Quyết định số … của <doc_decider>)" in place of its
 * subtitle. The annex's own text stays before the table. */
void doc_render_awards(docr_t *m, const doc_t *d, const char *issuer, const doc_award_t *v,
                       size_t n, arena_t *a);

#endif
