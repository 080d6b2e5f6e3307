/* libFuzzer driver for the signer's PDF trailer reader (docs/sign_pdf.c): any bytes must be
 * read or refused with a message, never read out of bounds; what is read must point inside
 * the input at "<< ... >>" dictionaries; and signing it (a P-256 key made once) must keep the
 * input as the prefix of the output. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/x509.h>

#include "docs/sign_pdf.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sign_key_t key;

/* A self-signed P-256 certificate: the writer's path needs a signer, not a trusted one. */
static void
make_key(void)
{
	key.key = EVP_EC_gen("P-256");
	CHECK(key.key);
	key.cert = X509_new();
	X509_set_version(key.cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(key.cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(key.cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(key.cert), 86400);
	X509_NAME *nm = X509_get_subject_name(key.cert);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)"fuzz", -1, -1,
	                           0);
	X509_set_issuer_name(key.cert, nm);
	X509_set_pubkey(key.cert, key.key);
	CHECK(X509_sign(key.cert, key.key, EVP_sha256()) > 0);
	key.chain = sk_X509_new_null();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (key.key == NULL)
		make_key();
	sign_pdf_info_t in;
	char err[300] = "";
	if (sign_pdf_parse(data, size, &in, err, sizeof err) < 0) {
		CHECK(err[0] != '\0');
		return 0;
	}
	CHECK(in.startxref < size && in.root > 0 && in.root < in.size && in.page > 0 &&
	      in.page < in.size && in.info < in.size);
	CHECK(in.root_dict[0] + 4 <= in.root_dict[1] && in.root_dict[1] <= size);
	CHECK(in.page_dict[0] + 4 <= in.page_dict[1] && in.page_dict[1] <= size);
	CHECK(!memcmp(data + in.root_dict[0], "<<", 2) &&
	      !memcmp(data + in.root_dict[1] - 2, ">>", 2));
	CHECK(!memcmp(data + in.page_dict[0], "<<", 2) &&
	      !memcmp(data + in.page_dict[1] - 2, ">>", 2));
	buf_t out = BUF_INIT;
	sign_pdf_opts_t o = {&key, 1664938800, "Ban hành", "Hải Phòng", "Thử"};
	if (sign_pdf(data, size, &o, &out, err, sizeof err) == 0)
		CHECK(out.len > size + 2 * SIGN_PDF_CMS_MAX && !memcmp(out.data, data, size));
	buf_free(&out);
	return 0;
}
