/* The files a bulk value import reads, as rows: DHIS2's dataValueSets JSON and a CSV with
 * the header unit_code,item_code,value[,comment]. Pure parsing, no store, no HTTP: the
 * rows go to values_import (src/service/values_import.h), which checks them against the
 * campaign's units and template. Fuzzed by fuzz/fuzz_values_file.c. */
#ifndef SUOTDOI_VALUES_FILE_H
#define SUOTDOI_VALUES_FILE_H

#include <stddef.h>

#include "core/arena.h"

/* The JSON type a value came as (CSV values are always VF_STRING). The importer refuses a
 * type that does not fit the item (a boolean for a count, a number for a text). */
typedef enum vf_type {
	VF_STRING, /* "12", "true", "Nội dung" */
	VF_INT,    /* 12: a JSON integer, written back in decimal in value */
	VF_BOOL,   /* true / false: value is "true" or "false" */
	VF_NULL,   /* null or a missing "value": value is "" (delete the value) */
} vf_type_t;

typedef struct vf_row {
	size_t line;       /* CSV: the 1-based line where the record starts (the header is
	                      line 1); JSON: the 0-based index in dataValues */
	const char *unit;  /* orgUnit / unit_code, as written (NUL-terminated, arena) */
	const char *item;  /* dataElement / item_code */
	const char *value; /* the value as text ("" for VF_NULL) */
	size_t value_len;  /* bytes of value (it may hold no NUL inside: refused if so) */
	vf_type_t type;
	const char *comment; /* "" when none */
	/* 1 when the row carries a comment (JSON: "comment" is a string, "" included; CSV: the
	 * header and the record have the comment column): the item's note becomes comment
	 * ("" clears it). 0: the note is kept. */
	int has_comment;
} vf_row_t;

typedef struct vf_rows {
	vf_row_t *v; /* arena */
	size_t n;
	int json; /* 1: read from dataValueSets (line is an index), 0: from CSV */
} vf_rows_t;

/* The most rows one file may carry: a whole province's reports (~30,000 units × 45
 * items) fits; more is refused with a message rather than exhausting memory. */
#define VF_MAX_ROWS 2000000

/* Parse a dataValueSets document: {"dataValues": [{"orgUnit": "...", "dataElement": "...",
 * "value": "12", "comment": "..."}, ...]}. Other members of the document and of each
 * data value (period, dataSet, completeDate, categoryOptionCombo, storedBy, created,
 * lastUpdated, followup, ...) are accepted and ignored. Strict otherwise: duplicate keys,
 * a document that is not an object, dataValues missing or not an array, an entry that is
 * not an object, orgUnit/dataElement missing or not a non-empty string, value of another
 * type than string/integer/boolean/null (a fraction, an object), comment not a string,
 * strings that are not valid UTF-8 or hold a NUL.
 * Returns 0 with *out filled (everything in arena a, nothing pointing into the freed
 * document), or -1 with a Vietnamese message in err naming the place
 * ("dataValues[3].value: ...", or the JSON error's line and column: a duplicate key and a
 * \u0000 are such syntax errors, found by jansson) and *out empty. */
int values_parse_json(const char *data, size_t len, arena_t *a, vf_rows_t *out /* OUT */, char *err,
                      size_t errlen);

/* Parse CSV (RFC 4180 through src/csv; a UTF-8 BOM and CRLF tolerated): the first record
 * must be the header unit_code,item_code,value or unit_code,item_code,value,comment
 * (the fourth may be named ghi_chu too; names compared after trimming spaces,
 * case-insensitively); every later record has 3 or
 * 4 fields as the header says (a 4-column header with 3-field records: comment ""). Blank
 * lines are skipped. Strict otherwise: a wrong header, a record with another number of
 * fields, an empty unit_code or item_code, invalid UTF-8: -1 with a Vietnamese message
 * naming the line ("Dòng 7: ...") and *out empty. 0 with *out on success. A header alone
 * is 0 rows; a file with no record at all (empty, or only a BOM and blank lines) is
 * refused ("Tệp trống: ..."). Fields are kept as written (codes are not trimmed). */
int values_parse_csv(const char *data, size_t len, arena_t *a, vf_rows_t *out /* OUT */, char *err,
                     size_t errlen);

/* Either, by its first non-space byte after an optional BOM: '{' is JSON, anything else
 * CSV. */
int values_parse(const char *data, size_t len, arena_t *a, vf_rows_t *out /* OUT */, char *err,
                 size_t errlen);

#endif
