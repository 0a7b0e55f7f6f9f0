/* SPDX-License-Identifier: GPL-2.0 */
/* netlink.c: the generic netlink family. */
#ifndef VMTRACE_NETLINK_H
#define VMTRACE_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family vmtrace_genl_family;
int vmtrace_genl_init(void);
void vmtrace_genl_exit(void);

#endif /* VMTRACE_NETLINK_H */
