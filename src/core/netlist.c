/* IP address lists (see netlist.h). */
#include "core/netlist.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* ip as 16 bytes (IPv4 mapped into ::ffff:0:0/96); *v4 says which it was. 0, or -1. */
static int
addr_parse(const char *ip, unsigned char out[16], int *v4)
{
	struct in_addr a4;
	if (inet_pton(AF_INET, ip, &a4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		*v4 = 1;
		return 0;
	}
	struct in6_addr a6;
	if (inet_pton(AF_INET6, ip, &a6) == 1) {
		memcpy(out, &a6, 16);
		*v4 = 0;
		return 0;
	}
	return -1;
}

static void
mask(unsigned char a[16], unsigned prefix)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;
		if (bits < 8)
			a[i] &= (unsigned char)(0xff00u >> bits);
	}
}

/* One entry s[0..n): 0 with *e, or -1 with err. */
static int
entry_parse(const char *s, size_t n, netlist_entry_t *e, char *err, size_t errlen)
{
	char tok[80];
	if (n >= sizeof tok) {
		snprintf(err, errlen,
		         "\"%.40s…\": quá dài để là một địa chỉ IP hay dải CIDR (ví dụ 10.0.0.0/8, "
		         "::1).",
		         s);
		return -1;
	}
	memcpy(tok, s, n);
	tok[n] = '\0';
	char *slash = strchr(tok, '/');
	if (slash)
		*slash = '\0';
	int v4;
	if (addr_parse(tok, e->addr, &v4) != 0) {
		if (slash)
			*slash = '/';
		snprintf(err, errlen,
		         "\"%s\": không phải địa chỉ IPv4/IPv6 hay dải CIDR; hãy viết dạng "
		         "127.0.0.1, 10.0.0.0/8, ::1 hoặc fd00::/8.",
		         tok);
		return -1;
	}
	unsigned max = v4 ? 32 : 128, prefix = max;
	if (slash) {
		const char *p = slash + 1;
		unsigned long v = 0;
		int digits = 0;
		for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
			v = v * 10 + (unsigned long)(*p - '0');
		*slash = '/';
		if (digits == 0 || *p != '\0' || v > max) {
			snprintf(err, errlen,
			         "\"%s\": độ dài tiền tố sau dấu / phải là số từ 0 đến %u với địa "
			         "chỉ %s.",
			         tok, max, v4 ? "IPv4" : "IPv6");
			return -1;
		}
		prefix = (unsigned)v;
	}
	e->prefix = v4 ? 96 + prefix : prefix;
	mask(e->addr, e->prefix);
	return 0;
}

int
netlist_parse(const char *text, netlist_t *out, char *err, size_t errlen)
{
	*out = (netlist_t)NETLIST_INIT;
	if (text == NULL)
		return 0;
	size_t cap = 0;
	for (const char *p = text;;) {
		while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		const char *s = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 4;
			out->e = xrealloc(out->e, size_mul(cap, sizeof *out->e));
		}
		if (entry_parse(s, (size_t)(p - s), &out->e[out->n], err, errlen) != 0) {
			netlist_free(out);
			return -1;
		}
		out->n++;
	}
	return 0;
}

int
netlist_match(const netlist_t *nl, const char *ip)
{
	unsigned char a[16];
	int v4;
	if (nl == NULL || ip == NULL || addr_parse(ip, a, &v4) != 0)
		return 0;
	for (size_t i = 0; i < nl->n; i++) {
		unsigned char m[16];
		memcpy(m, a, 16);
		mask(m, nl->e[i].prefix);
		if (memcmp(m, nl->e[i].addr, 16) == 0)
			return 1;
	}
	return 0;
}

void
netlist_free(netlist_t *nl)
{
	free(nl->e);
	*nl = (netlist_t)NETLIST_INIT;
}
