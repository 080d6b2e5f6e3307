/* A list of IP addresses and CIDR ranges, IPv4 and IPv6 ("127.0.0.1, ::1, 10.0.0.0/8,
 * fd00::/8"): who may read /metrics (metrics_allow, app/settings.h), whose X-Forwarded-For is believed.
 * IPv4 is kept as IPv4-mapped IPv6 (::ffff:a.b.c.d), so "127.0.0.1" also matches a client
 * reported as "::ffff:127.0.0.1" by a dual-stack socket. */
#ifndef SUOTDOI_NETLIST_H
#define SUOTDOI_NETLIST_H

#include <stddef.h>

typedef struct netlist_entry {
	unsigned char addr[16]; /* network address, host bits cleared */
	unsigned prefix;        /* 0..128 over the 16 bytes (an IPv4 /n is 96 + n) */
} netlist_entry_t;

typedef struct netlist {
	netlist_entry_t *e; /* owned; NULL when empty */
	size_t n;
} netlist_t;

#define NETLIST_INIT                                                                               \
	{                                                                                          \
		NULL, 0                                                                            \
	}

/* Parses text: entries separated by commas and/or white space, each an IPv4 or IPv6
 * address, optionally "/prefix" (0-32 for IPv4, 0-128 for IPv6; host bits past the prefix
 * are ignored: "192.168.1.7/24" is 192.168.1.0/24). Empty text gives an empty list, which
 * matches nothing. 0 with *out (free it with netlist_free), or -1 with a Vietnamese message
 * naming the bad entry in err (*out then empty). */
int netlist_parse(const char *text, netlist_t *out /* OUT */, char *err, size_t errlen);
/* 1 when ip (a textual IPv4 or IPv6 address, as http_req_client_ip gives) is in the list;
 * 0 when not, or when ip is not an address. */
int netlist_match(const netlist_t *nl, const char *ip);
void netlist_free(netlist_t *nl);

#endif
