/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for building and tearing down the model (model.c).  Allocation
 * failure is not an input error: it ends the program with a message, so
 * callers need not unwind half-built objects on ENOMEM.
 */
#ifndef KSVCCTL_MODEL_UTIL_H
#define KSVCCTL_MODEL_UTIL_H

#include <stddef.h>
#include "model.h"

__attribute__((noreturn)) void m_oom(void);
void *m_xcalloc(size_t n, size_t size);
char *m_xstrdup(const char *s);
char *m_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Append one zeroed element to the array *arr of *n elements of @size
 * bytes and return it.  The capacity is what malloc gave the array
 * (malloc_usable_size()), so the model's plain pointer+count arrays need
 * no capacity field, and any malloc'd array (or NULL) can grow here.
 */
void *m_vpush(void **arr, size_t *n, size_t size);
/* Room in *arr for @n elements in all, so the pushes up to @n don't move it. */
void m_vreserve(void **arr, size_t n, size_t size);

void m_labels_free(struct m_label *l, size_t n);
void m_service_free(struct m_service *s);
/* The backends resolve.c filled in; the service stays. */
void m_service_free_backends(struct m_service *s);
void m_slice_free(struct m_slice *s);
void m_pod_free(struct m_pod *p);

/* Remember an owned file name for struct loc to point at. */
const char *m_keep_file(struct model *m, const char *name);

#endif
