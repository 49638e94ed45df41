// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite ksvc_concurrency: reader kthreads look services up, as the
 * packet path does, while a writer keeps replacing them and their
 * backend sets, in single changes and in transactions.  Every version a
 * writer builds is uniform: its backends all carry the version number as
 * their port, and its two services move together.  A reader must always
 * find the service and must never see a mix of versions.
 *
 * UML runs one CPU without preemption, so here the threads interleave only
 * between lookups: this checks the invariants under lockdep and RCU
 * debugging, not the race windows.  Truly parallel readers (2 vCPUs) are
 * in the VM's update-under-load test.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include "../backends.h"
#include "../frontend.h"
#include "../table.h"
#include "names.h"

#define IP(a, b, c, d) htonl(((a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define READERS		3
#define VERSIONS	300
#define NBE		8

struct shared {
	struct ksvc_net *kn;
	atomic_t stop;
	atomic_t lookups;
	atomic_t misses;	/* a lookup that found nothing */
	atomic_t mixed;		/* a set with backends of two versions */
	atomic_t torn;		/* the two services at different versions */
};

static struct ksvc_fe_key key(u8 svc)
{
	struct ksvc_fe_key k = { .family = AF_INET, .proto = IPPROTO_TCP,
				 .port = htons(80),
				 .addr.ip = IP(10, 96, 0, 1 + svc) };
	return k;
}

/* The version a service's set shows, or -1 if its backends disagree. */
static int version_of(const struct ksvc_port *port)
{
	const struct ksvc_beset *bes = rcu_dereference(port->bes);
	u32 i;

	if (!bes || !bes->n)
		return 0;
	for (i = 1; i < bes->n; i++)
		if (bes->be[i].port != bes->be[0].port)
			return -1;
	return ntohs(bes->be[0].port);
}

static void read_once(struct shared *s)
{
	const struct ksvc_port *a, *b;
	struct ksvc_fe_key ka = key(0), kb = key(1);
	int va, vb;
	u8 kind;

	rcu_read_lock();
	a = ksvc_lookup(s->kn, &ka, &kind);
	b = ksvc_lookup(s->kn, &kb, &kind);
	if (!a || !b) {
		atomic_inc(&s->misses);
	} else {
		va = version_of(a);
		vb = version_of(b);
		if (va < 0 || vb < 0)
			atomic_inc(&s->mixed);
		/* b is read after a: it may be newer, never older. */
		else if (vb < va)
			atomic_inc(&s->torn);
	}
	rcu_read_unlock();
	atomic_inc(&s->lookups);
}

static int reader(void *data)
{
	struct shared *s = data;

	while (!atomic_read(&s->stop)) {
		read_once(s);
		cond_resched();
	}
	return 0;
}

static struct ksvc_svc *version(struct kunit *test, u8 svc, int v)
{
	struct ksvc_svc *x = ksvc_svc_alloc(1, 1);
	struct ksvc_beset *bes = ksvc_beset_alloc(NBE);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_NOT_NULL(test, bes);
	x->key = ksvc_test_name(test, "default", svc ? "b" : "a");
	x->type = KSVC_SVC_TYPE_CLUSTER_IP;
	x->addrs[0] = (struct ksvc_addr){ .kind = KSVC_ADDR_KIND_CLUSTER,
					  .family = AF_INET,
					  .a.ip = key(svc).addr.ip };
	x->ports[0].proto = IPPROTO_TCP;
	x->ports[0].port = 80;
	for (i = 0; i < NBE; i++) {
		bes->be[i].family = AF_INET;
		/* Backends come and go between versions. */
		bes->be[i].addr.ip = IP(10, 244, 0, 1 + (i + v) % (2 * NBE));
		bes->be[i].port = htons(v);
		bes->be[i].flags = KSVC_BE_F_READY;
	}
	KUNIT_ASSERT_EQ(test, ksvc_beset_sort(bes, NULL), 0);
	RCU_INIT_POINTER(x->ports[0].bes, bes);
	return x;
}

/* Both services move to version @v in one transaction. */
static void write_version(struct kunit *test, struct ksvc_net *kn, int v)
{
	int svc;

	mutex_lock(&kn->lock);
	for (svc = 0; svc < 2; svc++) {
		struct ksvc_svc *x = version(test, svc, v);
		struct ksvc_name n = *x->key;

		KUNIT_ASSERT_EQ(test, ksvc_stage(kn, &n, x, KSVC_OP_APPLY, NULL,
						 NULL), 0);
	}
	ksvc_commit(kn);
	mutex_unlock(&kn->lock);
}

static void ksvc_lookup_concurrent_test(struct kunit *test)
{
	struct shared *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct task_struct *t[READERS];
	int i, v;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->kn = kunit_kzalloc(test, sizeof(*s->kn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->kn);
	KUNIT_ASSERT_EQ(test, ksvc_net_init(s->kn), 0);
	write_version(test, s->kn, 1);
	for (i = 0; i < READERS; i++) {
		t[i] = kthread_run(reader, s, "ksvc-reader/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		get_task_struct(t[i]);
	}
	for (v = 2; v <= VERSIONS; v++) {
		write_version(test, s->kn, v);
		cond_resched();
	}
	atomic_set(&s->stop, 1);
	for (i = 0; i < READERS; i++) {
		kthread_stop(t[i]);
		put_task_struct(t[i]);
	}
	kunit_info(test, "%d lookups during %d versions", atomic_read(&s->lookups),
		   VERSIONS);
	KUNIT_EXPECT_GT(test, atomic_read(&s->lookups), VERSIONS);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->misses), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->mixed), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->torn), 0);
	ksvc_net_destroy(s->kn);
	rcu_barrier();
}

static struct kunit_case ksvc_concurrency_cases[] = {
	KUNIT_CASE(ksvc_lookup_concurrent_test),
	{}
};

static struct kunit_suite ksvc_concurrency_suite = {
	.name = "ksvc_concurrency",
	.test_cases = ksvc_concurrency_cases,
};

kunit_test_suite(ksvc_concurrency_suite);
