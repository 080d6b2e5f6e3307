/* PAdES signature of an issued PDF: an incremental update appended to the PDF cairo wrote
 * (a new Catalog with /AcroForm, page 1 with an invisible signature widget, a /Sig
 * dictionary whose /Contents holds a detached CAdES CMS over /ByteRange), and the small
 * strict reader of cairo's trailer it needs. Pure: bytes and keys in, bytes out; no files,
 * no clock (docs/documents.md, "Chữ ký số"). */
#ifndef SUOTDOI_DOCS_SIGN_PDF_H
#define SUOTDOI_DOCS_SIGN_PDF_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/buf.h"

/* Room reserved for the DER CMS in /Contents: the placeholder is twice this in hex digits. */
#define SIGN_PDF_CMS_MAX 8192

/* What the update needs from the PDF it extends. Offsets index the input bytes. */
typedef struct sign_pdf_info {
	size_t startxref;    /* offset of the (only) classic xref section */
	int64_t size;        /* the trailer's /Size: the next free object number */
	int64_t root, info;  /* object numbers of the Catalog and /Info (0: none) */
	int64_t page;        /* object number of the first page */
	size_t root_dict[2]; /* [start, end) of the Catalog's "<< ... >>" */
	size_t page_dict[2]; /* [start, end) of page 1's "<< ... >>" */
} sign_pdf_info_t;

/* Reads the trailer of pdf (n bytes): startxref, a classic xref table, /Size /Root /Info,
 * the Catalog's /Pages and the first page down /Kids. Strict and bounded: refuses an xref
 * stream, an earlier revision (/Prev), encryption, a Catalog that already has /AcroForm, a
 * first page that already has /Annots, generation numbers other than 0, nesting deeper than
 * 32. 0 with *out, or -1 with a Vietnamese message in err (never reads past n). */
int sign_pdf_parse(const uint8_t *pdf, size_t n, sign_pdf_info_t *out /* OUT */, char *err,
                   size_t errlen);

/* A signer: its private key, its certificate (matching the key) and the rest of its chain.
 * Owned; freed with sign_key_free. */
typedef struct sign_key {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) * chain; /* may be empty, never NULL once read */
} sign_key_t;

/* Reads a PEM text holding one unencrypted private key and its certificate chain (any
 * order; the certificate matching the key is the signer's; repeated certificates are kept
 * once). 0, or -1 with a Vietnamese
 * message in err (nothing to free). */
int sign_key_read(const char *pem, size_t n, sign_key_t *out /* OUT */, char *err, size_t errlen);
void sign_key_free(sign_key_t *k);
/* The signer certificate's subject CN (or the whole subject) as UTF-8 into out. */
void sign_key_subject(const sign_key_t *k, char *out, size_t cap);

typedef struct sign_pdf_opts {
	const sign_key_t *key;
	int64_t when;                         /* signing time, Unix seconds (/M, signingTime) */
	const char *reason, *location, *name; /* UTF-8, may be NULL */
} sign_pdf_opts_t;

/* Appends to out the signed PDF: pdf unchanged, then the incremental update with the CMS
 * (SHA-256, RSA or EC key, signing-certificate-v2, the chain) filled into /Contents.
 * 0, or -1 with a Vietnamese message in err (out then holds nothing usable). */
int sign_pdf(const uint8_t *pdf, size_t n, const sign_pdf_opts_t *o, buf_t *out /* OUT */,
             char *err, size_t errlen);

#endif
