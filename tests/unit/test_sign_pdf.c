/* The PAdES signer (docs/sign_pdf.c) on a PDF the real renderer made from seed 000, with a
 * throwaway CA and unit key made by openssl (tests/data/make_sign_key.sh): pdfsig reports the
 * signature valid and names the signer; one flipped byte inside the signed range makes it
 * invalid; the signed file still opens in pdfinfo/pdftotext; the reader refuses what it does
 * not know (a signed file again, truncation, no PDF) with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "core/buf.h"
#include "core/file.h"
#include "docr_fixture.h"
#include "docs/render.h"
#include "docs/sign_pdf.h"
#include "docs/signing.h"

static char tmpdir[] = "/tmp/suotdoi-sign-XXXXXX";
static buf_t pdf = BUF_INIT; /* seed 000 as render_pdf.c writes it */
static sign_key_t key;

/* 2022-10-05 10:00:00 +07 */
#define WHEN 1664938800

static void
slurp(const char *path, buf_t *b)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(b, chunk, n);
	fclose(f);
}

static void
spit(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* The output of cmd (stdout and stderr) into out; returns the exit status. */
static int
run(const char *cmd, buf_t *out)
{
	buf_t full = BUF_INIT;
	buf_printf(&full, "%s 2>&1", cmd);
	FILE *p = popen(buf_cstr(&full), "r");
	buf_free(&full);
	assert_non_null(p);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(out, chunk, n);
	return pclose(p);
}

static void
pdfsig(const char *path, buf_t *out)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "pdfsig %s", path);
	buf_reset(out);
	run(cmd, out);
}

static int
setup(void **state)
{
	(void)state;
	char cmd[400], err[300];
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(cmd, sizeof cmd, "sh %s/make_sign_key.sh %s/keys 018", TEST_DATA_DIR, tmpdir);
	if (system(cmd) != 0)
		return -1;
	buf_t pem = BUF_INIT;
	snprintf(cmd, sizeof cmd, "%s/keys/018.pem", tmpdir);
	slurp(cmd, &pem);
	int rc = sign_key_read(pem.data, pem.len, &key, err, sizeof err);
	buf_free(&pem);
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return docr_render_pdf(docr_fixture_000(), &pdf, err, sizeof err);
}

static int
teardown(void **state)
{
	(void)state;
	sign_key_free(&key);
	buf_free(&pdf);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_reads_cairo_trailer(void **state)
{
	(void)state;
	sign_pdf_info_t in;
	char err[300] = "";
	assert_int_equal(sign_pdf_parse((uint8_t *)pdf.data, pdf.len, &in, err, sizeof err), 0);
	assert_true(in.size > 4);
	assert_true(in.root > 0 && in.root < in.size);
	assert_true(in.page > 0 && in.page < in.size && in.page != in.root);
	assert_true(in.info > 0);
	/* the spans are the objects' dictionaries */
	assert_memory_equal(pdf.data + in.root_dict[0], "<<", 2);
	assert_memory_equal(pdf.data + in.root_dict[1] - 2, ">>", 2);
	assert_non_null(memmem(pdf.data + in.root_dict[0], in.root_dict[1] - in.root_dict[0],
	                       "/Catalog", 8));
	assert_non_null(memmem(pdf.data + in.page_dict[0], in.page_dict[1] - in.page_dict[0],
	                       "/MediaBox", 9));
	assert_memory_equal(pdf.data + in.startxref, "xref", 4);
}

static void
test_signed_is_valid_and_flip_breaks_it(void **state)
{
	(void)state;
	buf_t out = BUF_INIT, res = BUF_INIT;
	char err[300] = "", path[300], cmd[400];
	sign_pdf_opts_t o = {&key, WHEN, "Ban hành văn bản số 2945/UBND-GDĐT",
	                     "Tiên Lãng, Hải Phòng", "Ủy ban nhân dân huyện Tiên Lãng"};
	assert_int_equal(sign_pdf((uint8_t *)pdf.data, pdf.len, &o, &out, err, sizeof err), 0);
	/* an incremental update: the original bytes are the prefix, untouched */
	assert_true(out.len > pdf.len + 2 * SIGN_PDF_CMS_MAX);
	assert_memory_equal(out.data, pdf.data, pdf.len);
	assert_non_null(memmem(out.data + pdf.len, out.len - pdf.len,
	                       "/SubFilter /ETSI.CAdES.detached", 31));
	snprintf(path, sizeof path, "%s/signed.pdf", tmpdir);
	spit(path, out.data, out.len);

	pdfsig(path, &res);
	if (!strstr(buf_cstr(&res), "Signature Validation: Signature is Valid.") ||
	    !strstr(buf_cstr(&res), "Signer Certificate Common Name: Đơn vị 018") ||
	    !strstr(buf_cstr(&res), "Signing Hash Algorithm: SHA-256") ||
	    !strstr(buf_cstr(&res), "Signature Type: ETSI.CAdES.detached") ||
	    !strstr(buf_cstr(&res), "Signing Time: Oct 05 2022") ||
	    !strstr(buf_cstr(&res), "Total document signed"))
		fail_msg("pdfsig on the signed file:\n%s", buf_cstr(&res));

	/* the file still opens and reads the same */
	buf_reset(&res);
	snprintf(cmd, sizeof cmd, "pdfinfo %s", path);
	assert_int_equal(run(cmd, &res), 0);
	assert_non_null(strstr(buf_cstr(&res), "Pages:"));
	buf_reset(&res);
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", path);
	assert_int_equal(run(cmd, &res), 0);
	if (!strstr(buf_cstr(&res), "TIÊN LÃNG"))
		fail_msg("pdftotext:\n%s", buf_cstr(&res));

	/* one changed byte in cairo's part of the range */
	size_t at = pdf.len / 2;
	out.data[at] ^= 0x01;
	spit(path, out.data, out.len);
	pdfsig(path, &res);
	if (strstr(buf_cstr(&res), "Signature is Valid.") ||
	    !strstr(buf_cstr(&res), "Signature Validation: Digest Mismatch."))
		fail_msg("pdfsig after flipping byte %zu:\n%s", at, buf_cstr(&res));
	out.data[at] ^= 0x01;

	/* one changed digit of /M, in the update's own part of the range */
	char *m = memmem(out.data + pdf.len, out.len - pdf.len, "/M (D:2022", 10);
	assert_non_null(m);
	m[9] = '3';
	spit(path, out.data, out.len);
	pdfsig(path, &res);
	if (strstr(buf_cstr(&res), "Signature is Valid."))
		fail_msg("pdfsig after changing /M:\n%s", buf_cstr(&res));
	m[9] = '2';

	/* unchanged again: valid again (the test above would pass on a broken file too) */
	spit(path, out.data, out.len);
	pdfsig(path, &res);
	assert_non_null(strstr(buf_cstr(&res), "Signature Validation: Signature is Valid."));
	buf_free(&out);
	buf_free(&res);
}

static void
test_refusals(void **state)
{
	(void)state;
	buf_t out = BUF_INIT, twice = BUF_INIT;
	char err[300] = "";
	sign_pdf_opts_t o = {&key, WHEN, NULL, NULL, NULL};
	assert_int_equal(sign_pdf((uint8_t *)pdf.data, pdf.len, &o, &out, err, sizeof err), 0);
	/* signing the signed file: it has a revision and an /AcroForm */
	assert_int_equal(sign_pdf((uint8_t *)out.data, out.len, &o, &twice, err, sizeof err), -1);
	assert_non_null(strstr(err, "Tệp PDF không ký được"));
	assert_int_equal(twice.len, 0);
	/* every truncation of the file is refused cleanly (ASan watches the reads) */
	sign_pdf_info_t in;
	for (size_t n = 0; n < pdf.len; n += n < 64 ? 1 : 997) {
		err[0] = '\0';
		if (sign_pdf_parse((uint8_t *)pdf.data, n, &in, err, sizeof err) == 0)
			fail_msg("a PDF cut at %zu bytes was read", n);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(sign_pdf_parse((const uint8_t *)"Không phải PDF, chỉ là một dòng chữ dài.",
	                                44, &in, err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "không phải tệp PDF"));
	buf_free(&out);
	buf_free(&twice);
}

static void
test_key_refusals(void **state)
{
	(void)state;
	sign_key_t k;
	char err[300] = "", path[300];
	buf_t pem = BUF_INIT;
	snprintf(path, sizeof path, "%s/keys/ca/018.crt", tmpdir);
	slurp(path, &pem);
	assert_int_equal(sign_key_read(pem.data, pem.len, &k, err, sizeof err), -1);
	assert_non_null(strstr(err, "khóa bí mật"));
	/* a key with the CA's certificate only: no certificate matches it */
	buf_reset(&pem);
	snprintf(path, sizeof path, "%s/keys/ca/018.key", tmpdir);
	slurp(path, &pem);
	snprintf(path, sizeof path, "%s/keys/ca/ca.pem", tmpdir);
	slurp(path, &pem);
	assert_int_equal(sign_key_read(pem.data, pem.len, &k, err, sizeof err), -1);
	assert_non_null(strstr(err, "không có chứng thư"));
	buf_free(&pem);
	/* an encrypted key is refused, never prompted for */
	char cmd[600];
	buf_t res = BUF_INIT;
	snprintf(cmd, sizeof cmd,
	         "openssl pkey -in %s/keys/ca/018.key -aes256 -passout pass:x -out %s/enc.pem && "
	         "cat %s/keys/ca/018.crt >> %s/enc.pem",
	         tmpdir, tmpdir, tmpdir, tmpdir);
	assert_int_equal(run(cmd, &res), 0);
	buf_free(&res);
	buf_t enc = BUF_INIT;
	snprintf(path, sizeof path, "%s/enc.pem", tmpdir);
	slurp(path, &enc);
	assert_int_equal(sign_key_read(enc.data, enc.len, &k, err, sizeof err), -1);
	assert_non_null(strstr(err, "mật khẩu"));
	buf_free(&enc);
	/* key + leaf + a "fullchain" repeating the leaf and the CA twice: each kept once, and the
	 * signature made with it is valid */
	buf_t full = BUF_INIT;
	static const char *const parts[] = {"018.key", "018.crt", "018.crt", "ca.pem", "ca.pem"};
	for (size_t p = 0; p < 5; p++) {
		snprintf(path, sizeof path, "%s/keys/ca/%s", tmpdir, parts[p]);
		slurp(path, &full);
	}
	assert_int_equal(sign_key_read(full.data, full.len, &k, err, sizeof err), 0);
	assert_int_equal(sk_X509_num(k.chain), 1);
	buf_t out = BUF_INIT;
	sign_pdf_opts_t o = {&k, WHEN, NULL, NULL, NULL};
	assert_int_equal(sign_pdf((uint8_t *)pdf.data, pdf.len, &o, &out, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/fullchain.pdf", tmpdir);
	spit(path, out.data, out.len);
	pdfsig(path, &res);
	assert_non_null(strstr(buf_cstr(&res), "Signature Validation: Signature is Valid."));
	buf_free(&out);
	buf_free(&res);
	buf_free(&full);
	sign_key_free(&k);
	char subject[200];
	sign_key_subject(&key, subject, sizeof subject);
	assert_string_equal(subject, "Đơn vị 018");
}

/* The key directory's checks (docs/signing.c): the file the signer would use, refused when
 * others may read it, a code that is not a file name, no directory. */
static void
test_key_directory(void **state)
{
	(void)state;
	char dir[300], path[400], msg[400];
	snprintf(dir, sizeof dir, "%s/keys", tmpdir);
	sign_key_t k;
	assert_int_equal(docs_sign_key_present(dir, "018"), 1);
	assert_int_equal(docs_sign_key_load(dir, "018", &k, msg, sizeof msg), DOCS_SIGN_OK);
	sign_key_free(&k);
	assert_int_equal(docs_sign_keys_check(dir), 1);
	/* no such unit, no directory, a code that would leave the directory */
	assert_int_equal(docs_sign_key_present(dir, "019"), 0);
	assert_int_equal(docs_sign_key_load(dir, "019", &k, msg, sizeof msg), DOCS_SIGN_NO_KEY);
	assert_non_null(strstr(msg, "Đơn vị 019 chưa có khóa ký số"));
	assert_int_equal(docs_sign_key_load(NULL, "018", &k, msg, sizeof msg), DOCS_SIGN_NO_KEY);
	assert_non_null(strstr(msg, "--sign-keys"));
	assert_int_equal(docs_sign_key_load(dir, "../keys/018", &k, msg, sizeof msg),
	                 DOCS_SIGN_NO_KEY);
	assert_int_equal(docs_sign_key_present(dir, ".hidden"), 0);
	/* readable by the group: refused, present no more */
	snprintf(path, sizeof path, "%s/018.pem", dir);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(docs_sign_key_present(dir, "018"), 0);
	assert_int_equal(docs_sign_key_load(dir, "018", &k, msg, sizeof msg), DOCS_SIGN_BAD_KEY);
	assert_non_null(strstr(msg, "chưa dùng được"));
	assert_int_equal(docs_sign_keys_check(dir), 0);
	/* a symlink to a good file: refused too */
	assert_int_equal(chmod(path, 0600), 0);
	char link[400];
	snprintf(link, sizeof link, "%s/020.pem", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(docs_sign_key_present(dir, "020"), 0);
	assert_int_equal(docs_sign_key_load(dir, "020", &k, msg, sizeof msg), DOCS_SIGN_BAD_KEY);
	assert_int_equal(docs_sign_keys_check(dir), 1);
	assert_int_equal(unlink(link), 0);
	snprintf(path, sizeof path, "%s/none", tmpdir);
	assert_int_equal(docs_sign_keys_check(path), -1);
}

/* A chain too long for the 8 KB reserved in /Contents: refused with a message, nothing
 * written to out beyond what it held. */
static void
test_chain_too_long(void **state)
{
	(void)state;
	sign_key_t k = {key.key, key.cert, sk_X509_new_null()};
	EVP_PKEY *ca = EVP_EC_gen("P-256");
	assert_non_null(ca);
	for (int i = 0; i < 30; i++) {
		X509 *x = X509_new();
		ASN1_INTEGER_set(X509_get_serialNumber(x), i + 1);
		X509_gmtime_adj(X509_getm_notBefore(x), 0);
		X509_gmtime_adj(X509_getm_notAfter(x), 86400);
		char cn[64];
		snprintf(cn, sizeof cn, "CA trung gian số %d của chuỗi dài", i);
		X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
		                           (const unsigned char *)cn, -1, -1, 0);
		X509_set_issuer_name(x, X509_get_subject_name(x));
		X509_set_pubkey(x, ca);
		assert_true(X509_sign(x, ca, EVP_sha256()) > 0);
		sk_X509_push(k.chain, x);
	}
	buf_t out = BUF_INIT;
	buf_puts(&out, "kept");
	char err[300] = "";
	sign_pdf_opts_t o = {&k, WHEN, NULL, NULL, NULL};
	assert_int_equal(sign_pdf((uint8_t *)pdf.data, pdf.len, &o, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "vượt chỗ dành sẵn 8192 byte"));
	assert_int_equal(out.len, 4);
	buf_free(&out);
	sk_X509_pop_free(k.chain, X509_free);
	EVP_PKEY_free(ca);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_reads_cairo_trailer),
	        cmocka_unit_test(test_signed_is_valid_and_flip_breaks_it),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_key_refusals),
	        cmocka_unit_test(test_key_directory),
	        cmocka_unit_test(test_chain_too_long),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
