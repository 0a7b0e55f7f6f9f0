/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests' VM, as the lab builds it: behind tap0 on br0, 192.0.2.20. */
#ifndef VT_TEST_LAB_VM_H
#define VT_TEST_LAB_VM_H

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../../userspace/resolve.h"

static inline void lab_vm(struct vt_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->npath = 2;
	snprintf(vm->path[0].ifname, sizeof(vm->path[0].ifname), "tap0");
	snprintf(vm->path[0].kind, sizeof(vm->path[0].kind), "tap");
	snprintf(vm->path[0].master, sizeof(vm->path[0].master), "br0");
	vm->path[0].ifindex = 4;
	vm->path[0].netns_cookie = 1;
	vm->path[0].role = VT_ROLE_PORT;
	snprintf(vm->path[1].ifname, sizeof(vm->path[1].ifname), "br0");
	snprintf(vm->path[1].kind, sizeof(vm->path[1].kind), "bridge");
	vm->path[1].ifindex = 2;
	vm->path[1].netns_cookie = 1;
	vm->path[1].role = VT_ROLE_BRIDGE;
	vm->naddrs = 1;
	vm->addrs[0].family = AF_INET;
	inet_pton(AF_INET, "192.0.2.20", vm->addrs[0].addr);
}

#endif /* VT_TEST_LAB_VM_H */
