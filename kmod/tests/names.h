/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSVC_TESTS_NAMES_H
#define _KSVC_TESTS_NAMES_H

#include <kunit/test.h>
#include "../table.h"

/* A name that outlives the test's services (staging points them at a copy). */
static inline const struct ksvc_name *
ksvc_test_name(struct kunit *test, const char *ns, const char *name)
{
	struct {
		struct ksvc_name n;
		char ns[KSVC_NAME_MAX], name[KSVC_NAME_MAX];
	} *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	strscpy(k->ns, ns, sizeof(k->ns));
	strscpy(k->name, name, sizeof(k->name));
	ksvc_name_set(&k->n, k->ns, k->name);
	return &k->n;
}

#endif
