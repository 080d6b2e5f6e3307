/* libcurl and raw-socket clients shared by the HTTP flow tests (see helper_client.h). */
#include "helper_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
	buf_append(ud, p, size * n);
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
	buf_t *b = ud;
	/* A new status line (after 100 Continue or a redirect) starts a new block. */
	if (size * n >= 5 && memcmp(p, "HTTP/", 5) == 0)
		buf_reset(b);
	buf_append(b, p, size * n);
	return size * n;
}

int
hc_request(CURL *c, unsigned short port, const char *path, const hc_opts_t *o, hc_resp_t *out)
{
	static const hc_opts_t none = {0};
	if (o == NULL)
		o = &none;
	memset(out, 0, sizeof *out);
	char url[4096];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (o->path_as_is)
		curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	if (o->head)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (o->body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, o->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)o->body_len);
	}
	if (o->method != NULL)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o->method);
	struct curl_slist *hl = NULL;
	for (const char *const *h = o->headers; h && *h; h++)
		hl = curl_slist_append(hl, *h);
	if (hl)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK) {
		fprintf(stderr, "curl %s: %s\n", url, curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &out->num_connects);
	return 0;
}

int
hc_get(unsigned short port, const char *path, hc_resp_t *out)
{
	CURL *c = curl_easy_init();
	int rc = hc_request(c, port, path, NULL, out);
	curl_easy_cleanup(c);
	return rc;
}

const char *
hc_header(const hc_resp_t *r, const char *name, char *dst, size_t cap)
{
	size_t nlen = strlen(name);
	const char *p = r->headers.data;
	if (p == NULL)
		return NULL;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
			const char *v = p + nlen + 1;
			while (*v == ' ')
				v++;
			size_t vlen = len - (size_t)(v - p);
			if (vlen >= cap)
				vlen = cap - 1;
			memcpy(dst, v, vlen);
			dst[vlen] = '\0';
			return dst;
		}
		if (e == NULL)
			break;
		p = e + 2;
	}
	return NULL;
}

void
hc_resp_free(hc_resp_t *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

int
hc_raw(unsigned short port, const char *req, size_t len, buf_t *reply)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	buf_t local = BUF_INIT;
	buf_t *b = reply ? reply : &local;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		size_t off = 0;
		while (off < len) {
			ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
			if (w <= 0)
				break; /* the server may answer and close before reading it all */
			off += (size_t)w;
		}
		char tmp[4096];
		for (;;) {
			ssize_t r = recv(fd, tmp, sizeof tmp, 0);
			if (r <= 0)
				break;
			buf_append(b, tmp, (size_t)r);
		}
	}
	close(fd);
	int status = 0;
	const char *s = buf_cstr(b);
	if (strncmp(s, "HTTP/1.", 7) == 0 && strlen(s) >= 12)
		status = atoi(s + 9);
	buf_free(&local);
	return status;
}
