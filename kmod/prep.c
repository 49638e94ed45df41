// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing a batch's services ahead, on two CPUs.
 *
 * Building a service from its nest (allocating it, its ports, its backend
 * sets and their counters) is two thirds of the time a big KSVC_CMD_BATCH
 * takes, and it reads no table: only the request and the config.  So
 * before a big batch is staged, its services are parsed by this thread
 * and by a worker on another CPU, taking chunks of services from a shared
 * counter (whichever runs gets the work: the worker may start late, or
 * not at all).  Staging, which reads and changes the tables, then goes in
 * order under the lock as before and takes each service from here.
 *
 * A service that fails to parse here is simply not taken: the batch
 * parses it again in order, with the request's extack, and reports it
 * then, exactly as a batch parsed in order would (errors come only from
 * the request, the config, or memory).
 *
 * The caller holds the netns lock throughout: the config cannot change
 * under the worker, which reads it without the lock.  The worker charges
 * its allocations to the caller's memory cgroup, as the caller would.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "prep.h"

#define PREP_MIN	256	/* services: below, a worker is not worth it */
#define PREP_CHUNK	32	/* services taken at a time */

struct item {
	const struct nlattr *attr;
	struct ksvc_chunks chunks;
	struct ksvc_svc *svc;	/* parsed ahead, not taken yet */
};

struct ksvc_prep {
	const struct ksvc_cfg *cfg;
	struct mem_cgroup *memcg;
	struct work_struct work;
	atomic_t next;		/* the first item nobody took */
	u32 n;
	struct item items[];
};

static bool builds_svc(const struct nlattr *attr)
{
	const struct nlattr *op = nla_find_nested(attr, KSVC_SVC_A_OP);
	u8 v = op ? nla_get_u8(op) : KSVC_OP_APPLY;

	/* DELETE builds nothing, BACKENDS builds on the staged version */
	return v != KSVC_OP_DELETE && v != KSVC_OP_BACKENDS;
}

static u32 count(const struct nlattr *head, int len)
{
	const struct nlattr *a;
	int rem;
	u32 n = 0;

	nla_for_each_attr(a, head, len, rem)
		n += nla_type(a) == KSVC_A_SERVICE;
	return n;
}

/* Enough services, and another CPU to parse half of them. */
bool ksvc_prep_worth(const struct nlattr *head, int len)
{
	return num_online_cpus() > 1 && count(head, len) >= PREP_MIN;
}

static void parse_some(struct ksvc_prep *p)
{
	u32 i, end;

	while ((i = atomic_fetch_add(PREP_CHUNK, &p->next)) < p->n) {
		end = min(i + PREP_CHUNK, p->n);
		for (; i < end; i++) {
			struct item *it = &p->items[i];
			struct ksvc_svc *svc;

			if (builds_svc(it->attr) &&
			    !ksvc_parse_svc(p->cfg, it->attr, &it->chunks, &svc,
					    NULL))
				it->svc = svc;
		}
	}
}

static void work(struct work_struct *w)
{
	struct ksvc_prep *p = container_of(w, struct ksvc_prep, work);
	struct mem_cgroup *old = set_active_memcg(p->memcg);

	parse_some(p);
	set_active_memcg(old);
}

static void fill(struct ksvc_prep *p, const struct nlattr *head, int len)
{
	const struct nlattr *a;
	int rem;
	u32 i = 0;

	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != KSVC_A_SERVICE)
			continue;
		p->items[i].attr = a;
		ksvc_chunks_after(a, rem, &p->items[i++].chunks);
	}
}

/*
 * The services of the request attributes at @head parsed with @cfg, for
 * ksvc_prep_take(); NULL without memory (the batch then parses as it
 * stages).  Returns when every service is parsed.  @help: this thread
 * parses too (false only in the KUnit suite, so that the worker parses
 * everything there, under lockdep, on UML's one CPU).
 */
struct ksvc_prep *ksvc_prep_batch(const struct ksvc_cfg *cfg,
				  const struct nlattr *head, int len, bool help)
{
	u32 n = count(head, len);
	struct ksvc_prep *p;

	p = kvzalloc(struct_size(p, items, n), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	p->cfg = cfg;
	p->n = n;
	fill(p, head, len);
	p->memcg = get_mem_cgroup_from_mm(current->mm);
	INIT_WORK(&p->work, work);
	queue_work(system_unbound_wq, &p->work);
	if (help) {
		parse_some(p);
		/* not started: nothing left for it; started: wait for its chunk */
		cancel_work_sync(&p->work);
	} else {
		flush_work(&p->work);
	}
	mem_cgroup_put(p->memcg);
	return p;
}

/* The service parsed for the @i-th KSVC_A_SERVICE, now the caller's. */
struct ksvc_svc *ksvc_prep_take(struct ksvc_prep *p, u32 i)
{
	struct ksvc_svc *svc;

	if (!p || i >= p->n)
		return NULL;
	svc = p->items[i].svc;
	p->items[i].svc = NULL;
	return svc;
}

/* Frees the services nobody took: a batch that failed half way. */
void ksvc_prep_free(struct ksvc_prep *p)
{
	u32 i;

	for (i = 0; p && i < p->n; i++)
		if (p->items[i].svc)
			ksvc_svc_free(p->items[i].svc);
	kvfree(p);
}
