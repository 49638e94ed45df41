/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcd's log: one line per event on stderr, in klog's header form
 * ("I1208 10:02:03.123456 ksvcd] ...") so that kube-proxy's readers read
 * it.  -v N shows the info lines of level N and below.
 */
#ifndef KSVCD_LOG_H
#define KSVCD_LOG_H

extern int log_verbosity;

void log_msg(char severity, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...)	log_msg('E', __VA_ARGS__)
#define log_warn(...)	log_msg('W', __VA_ARGS__)
#define log_info(v, ...)					\
	do {							\
		if ((v) <= log_verbosity)			\
			log_msg('I', __VA_ARGS__);		\
	} while (0)

#endif
