/* libFuzzer driver for the Word import (src/docs/import_docx.c). An input starting with
 * "PK" is taken as a whole .docx (zip, relationships, content types, XML); any other input
 * is wrapped as word/document.xml of a well-formed package built here with libzip, so the
 * XML reader and the line classifier are reached without the fuzzer having to forge zips.
 * Either way the import must refuse with a Vietnamese reason (non-empty, valid UTF-8) or
 * return a document whose every string is valid UTF-8 and whose JSON builds. Must never
 * crash, leak, read out of bounds or trip UBSan. Seeds: fuzz/seeds/fuzz_docx/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/mem.h"
#include "docs/import_docx.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static const char ct[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas."
        "openxmlformats.org/package/2006/content-types\"><Override PartName=\"/word/"
        "document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument."
        "wordprocessingml.document.main+xml\"/></Types>";
static const char rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas."
        "openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "officeDocument\" Target=\"word/document.xml\"/></Relationships>";

/* A stored (uncompressed) zip of the three parts; malloc'd, *len. */
static char *
wrap(const uint8_t *xml, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *buf = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *z = zip_open_from_source(buf, ZIP_TRUNCATE, &ze);
	CHECK(z != NULL);
	zip_source_keep(buf);
	const char *names[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};
	const void *datas[] = {ct, rels, xml};
	size_t lens[] = {strlen(ct), strlen(rels), n};
	for (int k = 0; k < 3; k++) {
		zip_int64_t i =
		        zip_file_add(z, names[k], zip_source_buffer(z, datas[k], lens[k], 0), 0);
		CHECK(i >= 0);
		zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
	}
	CHECK(zip_close(z) == 0);
	zip_stat_t st;
	CHECK(zip_source_stat(buf, &st) == 0);
	char *out = xmalloc(st.size ? st.size : 1);
	CHECK(zip_source_open(buf) == 0);
	CHECK(zip_source_read(buf, out, st.size) == (zip_int64_t)st.size);
	zip_source_close(buf);
	zip_source_free(buf);
	zip_error_fini(&ze);
	*len = st.size;
	return out;
}

static void
check_str(const char *s)
{
	CHECK(s != NULL && text_utf8_valid(s, strlen(s)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *owned = NULL;
	const void *in = data;
	size_t len = size;
	if (size < 2 || data[0] != 'P' || data[1] != 'K') {
		owned = wrap(data, size, &len);
		in = owned;
	}
	arena_t a = ARENA_INIT;
	docx_result_t r;
	if (docx_import(in, len, &a, &r) == DOCX_OK) {
		const doc_t *d = r.doc;
		CHECK(d != NULL && r.error[0] == '\0');
		const char *ss[] = {d->body_abbr, d->drafter_abbr, d->parent_body,     d->body,
		                    d->place,     d->subject,      d->text,            d->signer.tm,
		                    d->signer.authority, d->signer.head, d->signer.position,
		                    d->signer.name};
		for (size_t k = 0; k < sizeof ss / sizeof ss[0]; k++)
			check_str(ss[k]);
		for (size_t k = 0; k < d->nbases; k++)
			check_str(d->bases[k].text);
		for (size_t k = 0; k < d->nrecipients; k++)
			check_str(d->recipients[k].text);
		for (size_t k = 0; k < d->ndistribution; k++)
			check_str(d->distribution[k]);
		for (size_t k = 0; k < r.nunrecognised; k++)
			check_str(r.unrecognised[k]);
		json_t *j = doc_json(d);
		CHECK(j != NULL);
		json_decref(j);
		doc_error_t errs[DOC_MAX_ERRORS];
		size_t nerr;
		(void)doc_validate(d, errs, &nerr);
	} else {
		CHECK(r.doc == NULL && r.error[0] != '\0');
		check_str(r.error);
	}
	arena_free(&a);
	free(owned);
	return 0;
}
