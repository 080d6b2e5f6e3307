/* The server's configuration file (serve_config.h). */
#include "service/serve_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/mem.h"

#define CONFIG_MAX (1u << 20)

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* http(s)://host..., its trailing slashes dropped. */
static int
public_url_ok(char *v)
{
	size_t skip = !strncmp(v, "http://", 7) ? 7 : !strncmp(v, "https://", 8) ? 8 : 0;
	size_t n = strlen(v);
	while (n > skip && v[n - 1] == '/')
		v[--n] = '\0';
	if (skip == 0 || n == skip || v[skip] == '/')
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= 0x20 || *p >= 0x7F)
			return 0;
	return 1;
}

int
serve_config_parse(const char *text, serve_config_t *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->smtp_require_tls = -1;
	struct {
		const char *key;
		char **slot;
	} keys[] = {
	        {"db", &c->db},
	        {"listen", &c->listen},
	        {"smtp_url", &c->smtp_url},
	        {"mail_from", &c->mail_from},
	        {"smtp_user", &c->smtp_user},
	        {"smtp_password_file", &c->smtp_password_file},
	        {"smtp_ca", &c->smtp_ca},
	        {"public_url", &c->public_url},
	        {"sign_keys", &c->sign_keys},
	};
	int line = 0;
	const char *p = text;
	while (*p) {
		line++;
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *next = eol ? eol + 1 : p + n;
		while (n > 0 && is_space(*p))
			p++, n--;
		while (n > 0 && is_space(p[n - 1]))
			n--;
		if (n == 0 || *p == '#') {
			p = next;
			continue;
		}
		const char *eq = memchr(p, '=', n);
		if (eq == NULL) {
			snprintf(err, errlen, "Dòng %d: cần dạng \"khóa = giá trị\".", line);
			return -1;
		}
		size_t kn = (size_t)(eq - p);
		while (kn > 0 && is_space(p[kn - 1]))
			kn--;
		const char *v = eq + 1;
		size_t vn = n - (size_t)(v - p);
		while (vn > 0 && is_space(*v))
			v++, vn--;
		if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
			v++, vn -= 2;
		char *key = xstrndup(p, kn), *val = xstrndup(v, vn);
		int rc = -1;
		char **slot = NULL;
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
			if (!strcmp(key, keys[k].key))
				slot = keys[k].slot;
		if (slot && *slot)
			snprintf(err, errlen, "Dòng %d: \"%s\" đã có ở trên.", line, key);
		else if (slot && !strcmp(key, "public_url") && !public_url_ok(val))
			snprintf(err, errlen,
			         "Dòng %d: public_url cần dạng https://tên-miền (địa chỉ công khai "
			         "của "
			         "trang).",
			         line);
		else if (slot) {
			*slot = val;
			val = NULL;
			rc = 0;
		} else if (!strcmp(key, "threads")) {
			char *end;
			long t = strtol(val, &end, 10);
			if (c->threads)
				snprintf(err, errlen, "Dòng %d: \"threads\" đã có ở trên.", line);
			else if (*val == '\0' || *end || t <= 0 || t > 1024)
				snprintf(err, errlen, "Dòng %d: threads cần một số dương.", line);
			else {
				c->threads = (unsigned)t;
				rc = 0;
			}
		} else if (!strcmp(key, "smtp_require_tls")) {
			if (c->smtp_require_tls >= 0)
				snprintf(err, errlen, "Dòng %d: \"smtp_require_tls\" đã có ở trên.",
				         line);
			else if (!strcmp(val, "yes") || !strcmp(val, "true") || !strcmp(val, "1"))
				c->smtp_require_tls = 1, rc = 0;
			else if (!strcmp(val, "no") || !strcmp(val, "false") || !strcmp(val, "0"))
				c->smtp_require_tls = 0, rc = 0;
			else
				snprintf(err, errlen, "Dòng %d: smtp_require_tls cần yes hoặc no.",
				         line);
		} else
			snprintf(err, errlen, "Dòng %d: khóa không hợp lệ \"%s\".", line, key);
		free(key);
		free(val);
		if (rc < 0) {
			serve_config_free(c);
			return -1;
		}
		p = next;
	}
	return 0;
}

int
serve_config_load(const char *path, serve_config_t *c, char *err, size_t errlen)
{
	char *data;
	size_t len;
	memset(c, 0, sizeof *c);
	if (file_read_all(path, CONFIG_MAX, &data, &len, err, errlen) < 0)
		return -1;
	char e[512];
	int rc = -1;
	if (memchr(data, '\0', len))
		snprintf(err, errlen, "%s: không phải tệp văn bản.", path);
	else if ((rc = serve_config_parse(data, c, e, sizeof e)) < 0)
		snprintf(err, errlen, "%s: %s", path, e);
	free(data);
	return rc;
}

void
serve_config_free(serve_config_t *c)
{
	free(c->db);
	free(c->listen);
	free(c->smtp_url);
	free(c->mail_from);
	free(c->smtp_user);
	free(c->smtp_password_file);
	free(c->smtp_ca);
	free(c->public_url);
	free(c->sign_keys);
	memset(c, 0, sizeof *c);
	c->smtp_require_tls = -1;
}

int
serve_password_read(const char *path, char **out, char *err, size_t errlen)
{
	char *data;
	size_t len;
	*out = NULL;
	if (file_read_all(path, 64 * 1024, &data, &len, err, errlen) < 0)
		return -1;
	data[strcspn(data, "\r\n")] = '\0';
	if (data[0] == '\0') {
		snprintf(err, errlen, "%s: tệp mật khẩu thư trống.", path);
		free(data);
		return -1;
	}
	*out = data;
	return 0;
}
