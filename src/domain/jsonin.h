/* The one typed reader of JSON request bodies. A route declares its top-level fields in a
 * table (name, type, flags, limits, where to store the value); the reader parses the body
 * (an object, no duplicate keys), refuses unknown fields, wrong types (never coerced: "1" is
 * not 1, true is not 1, 5 is not "5", "no" is not false), integers out of range or with a
 * fraction, strings with an embedded NUL or over their byte limit, missing required fields,
 * and says why in Vietnamese naming the field ("Trường “title” phải là một chuỗi; không có
 * gì được lưu."). Nested objects and arrays are handed back for the route's own checks.
 * It checks JSON types, presence, ranges and lengths only; text hygiene is the services'. */
#ifndef SUOTDOI_JSONIN_H
#define SUOTDOI_JSONIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"

typedef enum jsonin_type {
	JSONIN_INT,       /* int64_t *out; range [min, max] unless both are 0 */
	JSONIN_BOOL,      /* int *out: 1 or 0 */
	JSONIN_STRING,    /* const char **out, copied into the arena; at most max bytes (0: any) */
	JSONIN_OBJECT,    /* json_t **out, borrowed from the document (needs doc_out) */
	JSONIN_ARRAY,     /* json_t **out, borrowed from the document (needs doc_out) */
	JSONIN_INT_TEXT,  /* an integer, const char **out = its decimal digits (as a form sends) */
	JSONIN_BOOL_TEXT, /* a boolean, const char **out = "1" or "" (as a form's checkbox) */
} jsonin_type_t;

enum {
	JSONIN_OPTIONAL = 0,      /* absent is fine: *out untouched */
	JSONIN_REQUIRED = 1 << 0, /* absent (or null, unless nullable) is refused */
	JSONIN_NULLABLE = 1 << 1, /* null is taken as absent (otherwise null is a wrong type) */
};

typedef struct jsonin_field {
	const char *name;
	jsonin_type_t type;
	unsigned flags;
	int64_t min, max; /* JSONIN_INT(_TEXT): the range (both 0: any); JSONIN_STRING: max bytes */
	void *out;        /* where the value goes (see the types); NULL: checked, not stored */
	int *given;       /* if not NULL: 1 when the field came with a non-null value, else 0 */
	const char *want; /* what the value must be, said in messages (NULL: from type and range) */
} jsonin_field_t;

/* Options of jsonin_read. */
enum {
	JSONIN_EMPTY_OK = 1 << 0, /* an empty (or absent) body reads as {} */
	JSONIN_OPEN = 1 << 1,     /* fields outside the table are left to the caller */
};

/* Parses body[0..len) and reads fields[0..n) from it. 0, or -1 with *err (a sentence in
 * Vietnamese naming the field, ending "không có gì được lưu.", in the arena). With doc_out
 * the document is kept there (the caller decrefs; JSONIN_OBJECT/ARRAY point into it), else
 * it is freed before returning (strings were copied into the arena). */
int jsonin_read(const char *body, size_t len, unsigned opts, const jsonin_field_t *fields, size_t n,
                arena_t *a, json_t **doc_out, const char **err);

/* The same checks on a document already parsed (an object): for a nested object that
 * follows the same rules; prefix ("lines[2].") is put before the field names in messages. */
int jsonin_fields(json_t *obj, unsigned opts, const jsonin_field_t *fields, size_t n,
                  const char *prefix, arena_t *a, const char **err);

/* jansson allocates through core/mem.h (out of memory aborts there, in one place). Call
 * once at start, before any other thread uses jansson; calling it again is harmless. */
void jsonin_use_our_allocator(void);

#endif
