// SPDX-License-Identifier: GPL-2.0
/* "config view": the module's settings for this network namespace. */
#include <inttypes.h>
#include <stdio.h>
#include <arpa/inet.h>

#include <linux/ksvc.h>

#include "nl_cfg.h"
#include "print.h"

static void print_flags(FILE *f, uint32_t flags)
{
	if (!flags) {
		fprintf(f, "(none)\n");
		return;
	}
	if (flags & KSVC_CFG_F_DROP_NO_ENDPOINT)
		fprintf(f, "drop-no-endpoint");
	if (flags & ~KSVC_CFG_F_ALL)
		fprintf(f, "%s0x%" PRIx32, flags & KSVC_CFG_F_ALL ? "," : "",
			flags & ~KSVC_CFG_F_ALL);
	fprintf(f, "\n");
}

static void print_cidrs(FILE *f, const struct wire_config *c)
{
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	fprintf(f, "Service CIDRs:   ");
	if (!c->has_cidrs)
		fprintf(f, "(not reported by the module)");
	else if (!c->n_cidrs)
		fprintf(f, "(none)");
	for (i = 0; i < c->n_cidrs; i++) {
		if (!inet_ntop(c->cidrs[i].family, c->cidrs[i].a, ip, sizeof(ip)))
			snprintf(ip, sizeof(ip), "?");
		fprintf(f, "%s%s/%u", i ? "," : "", ip, c->cidrs[i].len);
	}
	fprintf(f, "\n");
}

void cfg_print(FILE *f, const struct wire_config *c)
{
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	fprintf(f, "Node name:       %s\n", c->node_name[0] ? c->node_name : "(unset)");
	fprintf(f, "NodePort range:  %u-%u\n", c->np_min, c->np_max);
	fprintf(f, "Node addresses:  ");
	if (!c->n_addrs)
		fprintf(f, "(all local addresses)");
	for (i = 0; i < c->n_addrs; i++) {
		if (!inet_ntop(c->addrs[i].family, c->addrs[i].a, ip, sizeof(ip)))
			snprintf(ip, sizeof(ip), "?");
		fprintf(f, "%s%s", i ? "," : "", ip);
	}
	fprintf(f, "\n");
	print_cidrs(f, c);
	fprintf(f, "No endpoint:     %s\n",
		c->flags & KSVC_CFG_F_DROP_NO_ENDPOINT ? "drop" : "reject");
	fprintf(f, "Flags:           ");
	print_flags(f, c->flags);
	fprintf(f, "Max services:    %" PRIu32 "\n", c->max_services);
	fprintf(f, "Max backends:    %" PRIu32 " (per service port)\n", c->max_backends);
	fprintf(f, "Services:        %" PRIu32 "\n", c->nr_services);
}
