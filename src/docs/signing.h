/* Signing an issued document: the issuing unit's key from the server's key directory
 * (DIR/<unit code>.pem, mode 600), the PAdES signature (docs/sign_pdf.h) and the signed
 * bytes stored once, as issued (store_doc_signed_put). Used by the pages
 * (src/app/doc_sign_pages.c); no HTTP here. */
#ifndef SUOTDOI_DOCS_SIGNING_H
#define SUOTDOI_DOCS_SIGNING_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "docs/sign_pdf.h"

typedef enum docs_sign_rc {
	DOCS_SIGN_OK = 0,
	DOCS_SIGN_ERR = -1,     /* store or OpenSSL failure: logged, nothing stored */
	DOCS_SIGN_NO_KEY = -2,  /* no key directory, or no DIR/<code>.pem for the unit */
	DOCS_SIGN_BAD_KEY = -3, /* the key file is there but unusable (readable by others, not a
	                         * key and certificate): the reason logged in Vietnamese */
	DOCS_SIGN_STATE = -4,   /* not a published document of that unit, or signed already */
	DOCS_SIGN_INVALID = -5, /* the PDF cannot be signed (the reader refused it) */
} docs_sign_rc_t;

/* Whether dir holds a key file for unit code that the signer would try: a regular file
 * DIR/<code>.pem with no group/other permission. Cheap (one lstat, no parsing): for
 * showing "can sign" on a page. 0 when dir is NULL or empty. */
int docs_sign_key_present(const char *dir, const char *code);

/* Load DIR/<code>.pem into *out (sign_key_free it). A code with characters outside
 * [A-Za-z0-9._-] or starting with '.', a missing file: DOCS_SIGN_NO_KEY; a symlink, a file
 * group/other may access, a bad PEM: DOCS_SIGN_BAD_KEY, logged. msg: a Vietnamese sentence
 * for the person who asked. */
docs_sign_rc_t docs_sign_key_load(const char *dir, const char *code, sign_key_t *out /* OUT */,
                                  char *msg, size_t msglen);

/* At start: look over dir's *.pem files and log, in Vietnamese, each one that would be
 * refused (a symlink, not a regular file, group/other permissions) and how many are usable.
 * Returns the usable count, -1 when dir cannot be read (logged). Parses nothing. */
int docs_sign_keys_check(const char *dir);

typedef struct docs_sign_in {
	int64_t doc_id, issuer_unit_id;
	const char *unit_code; /* the issuer's code: names the key file */
	const char *reason;    /* /Reason, UTF-8 (e.g. "Ban hành Kế hoạch số 05/KH-UBND") */
	const char *location;  /* /Location, UTF-8, may be NULL */
	const uint8_t *pdf;    /* the document as rendered now, borrowed for the call */
	size_t n;
	int64_t now, actor_id; /* clock injected; actor 0: the system */
} docs_sign_in_t;

/* Sign in->pdf with the unit's key and store the result as the document's issued PDF.
 * Checks the document is published and issued by in->issuer_unit_id, and not signed yet.
 * DOCS_SIGN_OK with msg saying who signed; otherwise the rc above with msg. Nothing is
 * stored unless DOCS_SIGN_OK; a concurrent second signature loses (DOCS_SIGN_STATE). */
docs_sign_rc_t docs_sign(store_t *st, const char *keydir, const docs_sign_in_t *in, char *msg,
                         size_t msglen);

#endif
