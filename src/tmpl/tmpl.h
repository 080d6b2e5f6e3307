/* Our mustache engine: templates compiled once (at start-up), rendered from jansson
 * values. Full mustache spec (comments, delimiters, interpolation, inverted,
 * partials, sections, ~inheritance: blocks and parents). HTML-escapes & < > " '.
 * Adding templates is not thread-safe; rendering from one set concurrently is.
 * Sections treat missing, null, false, "" and [] as false; numbers (0 too) as true. */
#ifndef SUOTDOI_TMPL_H
#define SUOTDOI_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"

typedef struct tmpl_set tmpl_set_t;

tmpl_set_t *tmpl_set_new(void);
void tmpl_set_free(tmpl_set_t *set);

/* Compile src under name (replacing an existing one). On a syntax error returns -1 and
 * writes "name:line: message" to err (may be NULL). */
int tmpl_set_add(tmpl_set_t *set, const char *name, const char *src, size_t len, char *err,
                 size_t errlen);

/* Compile every *.mustache file under dir (recursively); name = relative path without
 * the extension ("layout", "units/show"). -1 on the first error (err filled). */
int tmpl_set_load_dir(tmpl_set_t *set, const char *dir, char *err, size_t errlen);

/* 1 if a template of that name exists. */
int tmpl_set_has(const tmpl_set_t *set, const char *name);

/* Render template name with ctx (borrowed) appending to out. Partials and parents are
 * looked up in the same set by name; a missing partial renders as empty (per spec).
 * -1 if name is unknown or partials/parents nest deeper than 64; out is then unchanged. */
int tmpl_render(const tmpl_set_t *set, const char *name, json_t *ctx, buf_t *out);

/* Compile and render a one-off source (tests, fuzzing); partials may be NULL. Errors
 * name the source "<string>". */
int tmpl_render_string(const tmpl_set_t *partials, const char *src, size_t len, json_t *ctx,
                       buf_t *out, char *err, size_t errlen);

#endif
