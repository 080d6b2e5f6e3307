/* Signing an issued document with its unit's key (signing.h): the key file's checks, the
 * signature, the one write. */
#include "docs/signing.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/buf.h"
#include "core/log.h"

#define KEY_MAX (1024 * 1024)

static int
code_ok(const char *code)
{
	if (code == NULL || !*code || *code == '.' || strlen(code) > 64)
		return 0;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

static int
key_path(const char *dir, const char *code, char *path, size_t cap)
{
	if (dir == NULL || !*dir || !code_ok(code))
		return -1;
	int n = snprintf(path, cap, "%s/%s.pem", dir, code);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

int
docs_sign_key_present(const char *dir, const char *code)
{
	char path[1024];
	struct stat sb;
	return key_path(dir, code, path, sizeof path) == 0 && lstat(path, &sb) == 0 &&
	       S_ISREG(sb.st_mode) && (sb.st_mode & 077) == 0;
}

int
docs_sign_keys_check(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		log_error("Không đọc được thư mục khóa ký số %s: %s", dir, strerror(errno));
		return -1;
	}
	int usable = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".pem") != 0)
			continue;
		char path[1024];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
			log_error("Tệp khóa ký số %s không phải tệp thường (liên kết mềm?); sẽ bị "
			          "từ chối.",
			          path);
		else if (sb.st_mode & 077)
			log_error(
			        "Tệp khóa ký số %s: người khác có quyền truy cập (quyền %03o), sẽ "
			        "bị từ chối; hãy chạy chmod 600 %s.",
			        path, (unsigned)(sb.st_mode & 0777), path);
		else
			usable++;
	}
	closedir(d);
	log_info("Khóa ký số: %d tệp dùng được trong %s.", usable, dir);
	return usable;
}

static docs_sign_rc_t
bad_key(char *msg, size_t msglen)
{
	snprintf(msg, msglen,
	         "Khóa ký số của đơn vị chưa dùng được (lý do ghi trong nhật ký máy chủ); hãy "
	         "báo quản trị hệ thống kiểm tra tệp khóa.");
	return DOCS_SIGN_BAD_KEY;
}

docs_sign_rc_t
docs_sign_key_load(const char *dir, const char *code, sign_key_t *out, char *msg, size_t msglen)
{
	*out = (sign_key_t){0};
	char path[1024];
	if (key_path(dir, code, path, sizeof path) < 0) {
		snprintf(msg, msglen,
		         "Máy chủ chưa được cấu hình khóa ký số cho đơn vị %s (tùy chọn "
		         "--sign-keys); hãy báo quản trị hệ thống.",
		         code ? code : "");
		return DOCS_SIGN_NO_KEY;
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			snprintf(msg, msglen,
			         "Đơn vị %s chưa có khóa ký số trên máy chủ (tệp %s.pem trong thư "
			         "mục "
			         "khóa); hãy báo quản trị hệ thống cấp khóa rồi ký lại.",
			         code, code);
			return DOCS_SIGN_NO_KEY;
		}
		log_error("Không mở được tệp khóa ký số %s: %s (tệp khóa không được là liên kết "
		          "mềm).",
		          path, strerror(errno));
		return bad_key(msg, msglen);
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > KEY_MAX) {
		close(fd);
		log_error("Tệp khóa ký số %s không phải tệp thường hoặc lớn hơn 1 MB.", path);
		return bad_key(msg, msglen);
	}
	if (sb.st_mode & 077) {
		close(fd);
		log_error("Từ chối tệp khóa ký số %s: người khác có quyền truy cập (quyền %03o); "
		          "hãy chạy chmod 600 %s.",
		          path, (unsigned)(sb.st_mode & 0777), path);
		return bad_key(msg, msglen);
	}
	buf_t pem = BUF_INIT;
	buf_reserve(&pem, (size_t)sb.st_size + 1);
	ssize_t r;
	char chunk[8192];
	while ((r = read(fd, chunk, sizeof chunk)) > 0 && pem.len + (size_t)r <= KEY_MAX)
		buf_append(&pem, chunk, (size_t)r);
	close(fd);
	char err[300];
	int rc =
	        r < 0 ? -1 : sign_key_read(pem.data ? pem.data : "", pem.len, out, err, sizeof err);
	if (pem.data)
		OPENSSL_cleanse(pem.data, pem.len);
	buf_free(&pem);
	if (rc < 0) {
		log_error("Tệp khóa ký số %s: %s", path, r < 0 ? strerror(errno) : err);
		return bad_key(msg, msglen);
	}
	return DOCS_SIGN_OK;
}

typedef struct doc_state {
	int64_t issuer;
	int published;
} doc_state_t;

static int
on_doc(const store_doc_t *d, void *p)
{
	doc_state_t *s = p;
	s->issuer = d->issuer_unit_id;
	s->published = strcmp(d->status, "published") == 0;
	return 0;
}

static int
on_signed(const store_doc_signed_t *d, const void *pdf, size_t n, void *p)
{
	(void)d, (void)pdf, (void)n, (void)p;
	return 0;
}

docs_sign_rc_t
docs_sign(store_t *st, const char *keydir, const docs_sign_in_t *in, char *msg, size_t msglen)
{
	doc_state_t ds = {0, 0};
	int rc = store_doc_get(st, in->doc_id, on_doc, &ds);
	if (rc < 0)
		return DOCS_SIGN_ERR;
	if (rc == 0 || ds.issuer != in->issuer_unit_id || !ds.published) {
		snprintf(msg, msglen, "Chỉ ký số được văn bản đã ban hành của chính đơn vị.");
		return DOCS_SIGN_STATE;
	}
	rc = store_doc_signed_get(st, in->doc_id, 0, on_signed, NULL);
	if (rc < 0)
		return DOCS_SIGN_ERR;
	if (rc == 1) {
		snprintf(msg, msglen, "Văn bản này đã được ký số; bản đã ký được giữ nguyên.");
		return DOCS_SIGN_STATE;
	}
	sign_key_t key;
	docs_sign_rc_t krc = docs_sign_key_load(keydir, in->unit_code, &key, msg, msglen);
	if (krc != DOCS_SIGN_OK)
		return krc;
	char signer[256];
	sign_key_subject(&key, signer, sizeof signer);
	sign_pdf_opts_t o = {&key, in->now, in->reason, in->location, signer};
	buf_t out = BUF_INIT;
	char err[300];
	if (sign_pdf(in->pdf, in->n, &o, &out, err, sizeof err) < 0) {
		sign_key_free(&key);
		buf_free(&out);
		log_error("ký số văn bản %lld: %s", (long long)in->doc_id, err);
		snprintf(msg, msglen, "%s", err);
		return DOCS_SIGN_INVALID;
	}
	sign_key_free(&key);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdn = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	if (EVP_Digest(out.data, out.len, md, &mdn, EVP_sha256(), NULL) != 1) {
		buf_free(&out);
		return DOCS_SIGN_ERR;
	}
	for (unsigned i = 0; i < mdn; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	store_doc_signed_t row = {in->doc_id, hex, signer, in->now, in->actor_id, out.len};
	rc = store_doc_signed_put(st, &row, out.data, out.len);
	buf_free(&out);
	if (rc < 0)
		return DOCS_SIGN_ERR;
	if (rc == 0) {
		snprintf(msg, msglen, "Văn bản này đã được ký số; bản đã ký được giữ nguyên.");
		return DOCS_SIGN_STATE;
	}
	snprintf(msg, msglen, "Đã ký số văn bản (%s).", signer);
	return DOCS_SIGN_OK;
}
