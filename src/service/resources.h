/* Open learning resources (học liệu mở): a unit publishes a file or a link with a title, a
 * topic, an audience and a licence; citizens find the published ones without diacritics
 * (docs/resources.md). Transport-neutral: the pages and the JSON API (src/app/
 * resource_pages.c) read their inputs and call res_save; the type of a file is sniffed from
 * its bytes here, never taken from its name or the client's Content-Type. */
#ifndef SUOTDOI_SERVICE_RESOURCES_H
#define SUOTDOI_SERVICE_RESOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "domain/units.h"

#define RES_FILE_MAX (20u * 1024u * 1024u) /* bytes of a file */
#define RES_TITLE_MAX 300                  /* bytes */
#define RES_DESCRIPTION_MAX 5000           /* bytes */
#define RES_LINK_MAX 500                   /* bytes */
#define RES_FILE_NAME_MAX 200              /* bytes kept of the uploaded name */
#define RES_QUERY_WORDS 8                  /* words of a search */
/* The pseudo activity kind a template's "from" names to count published resources
 * (docs/resources.md: the line 6.tai_lieu_so of the default template). */
#define RES_PREFILL_KIND "hoc_lieu"

typedef enum res_rc {
	RES_OK = 0,
	RES_ERR_STORE = -1,    /* logged; nothing written */
	RES_ERR_INVALID = -2,  /* a field is wrong: see the errors; nothing written */
	RES_ERR_CONFLICT = -3, /* expected_version is not the row's; nothing written */
} res_rc_t;

/* A fixed list's entry: a stable code and its Vietnamese name (url: a licence's deed). */
typedef struct res_option {
	const char *code, *name, *url;
} res_option_t;

const res_option_t *res_topics(size_t *n /* OUT */);
const res_option_t *res_audiences(size_t *n /* OUT */);
const res_option_t *res_licences(size_t *n /* OUT */);
const res_option_t *res_statuses(size_t *n /* OUT */);
/* The entry of code in the list that list() returns (res_topics...), or NULL. */
const res_option_t *res_option_find(const res_option_t *(*list)(size_t *), const char *code);

/* A file type recognised from the bytes. inline_ok: shown in the browser (images, PDF);
 * everything else is served as an attachment. */
typedef struct res_type {
	const char *code; /* "pdf", "docx", "xlsx", "pptx", "jpeg", "png", "webp", "mp3", "mp4" */
	const char *name; /* "PDF", "Word"... */
	const char *mime;
	const char *ext; /* ".pdf" */
	int inline_ok;
} res_type_t;

/* The type of data[0..len) from its content (magic numbers; for ZIP, the OOXML part that
 * names the document), or NULL when it is none of the accepted types. Safe on any input. */
const res_type_t *res_sniff(const void *data, size_t len);
/* The type of code, or NULL. */
const res_type_t *res_type_find(const char *code);
/* An uploaded file's name made safe to keep and serve (in a): without directories,
 * quotes or control characters, at most RES_FILE_NAME_MAX bytes, ending in t's extension;
 * "hoc-lieu.<ext>" when nothing is left. */
const char *res_file_name(arena_t *a, const char *name, const res_type_t *t);

/* Fields of a resource, for errors by field; codes as the form and the API name them. */
enum {
	RF_TITLE,
	RF_DESCRIPTION,
	RF_TOPIC,
	RF_AUDIENCE,
	RF_LICENCE,
	RF_LINK,
	RF_FILE,
	RF_PUBLISHED,
	RF_STATUS,
	RF_CAMPAIGN,
	RF_COUNT
};
const char *res_field_code(int f);

typedef struct res_errors {
	const char *msg[RF_COUNT]; /* a Vietnamese sentence naming the field, or NULL */
	int n;
} res_errors_t;

/* What a person sent, as typed (NULL = not sent). A file: file != NULL (even with
 * file_len 0); a new resource needs a file or a link, an edit keeps its file when neither
 * is sent. */
typedef struct res_input {
	const char *title, *description, *topic, *audience, *licence, *link, *published, *status;
	const void *file;
	size_t file_len;
	const char *file_name;
} res_input_t;

typedef struct res_ctx { /* borrowed; outlives the call */
	store_t *store;
	arena_t *arena; /* owns the strings of *out and the messages */
	int64_t now;    /* Unix seconds; injected for tests */
	int64_t actor;  /* user id */
} res_ctx_t;

/* Check in and, when every field is right, write the resource: old NULL creates one for
 * unit (unit_id, unit_path), else updates old at expected_version. campaign_id: a
 * campaign the caller checked covers the unit (0 none, -1 one that does not: refused
 * with the other errors). e is always filled; *out is the
 * row written (RES_OK). The file's type is sniffed, its name kept for the download. */
res_rc_t res_save(const res_ctx_t *cx, const store_resource_t *old, int64_t unit_id,
                  const char *unit_path, int64_t campaign_id, const res_input_t *in,
                  int64_t expected_version, store_resource_t *out /* OUT */,
                  res_errors_t *e /* OUT */);

/* The folded words of a search q (text_fold, split at spaces, at most RES_QUERY_WORDS,
 * each at most 64 bytes) into words (strings in a); returns their number. */
int res_query_words(arena_t *a, const char *q, const char **words, int max);

/* The campaign period rule: 1 when published resource r counts in the report of a
 * campaign whose own id and adopted ancestors are ids[0..n) and whose year is year: it
 * names one of them, or names none and was published in that year (Vietnam date). */
int res_counts_in(const store_resource_t *r, const int64_t *ids, size_t n, int year);

/* The demo's resources (src/service/resources_demo.c) in the units of quận Hải An, tied to
 * campaign_id (0 none); nothing when any resource exists. 0 or -1 (said on stderr). */
int demo_resources(store_t *st, const unit_tree_t *t, int64_t campaign_id);

#endif
