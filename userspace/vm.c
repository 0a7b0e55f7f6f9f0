// SPDX-License-Identifier: GPL-2.0
/* Looking up a resolved VM: which of its devices an event is on, its addresses. */
#include <string.h>

#include "addr.h"
#include "resolve.h"

const struct vt_path_elem *vt_vm_elem(const struct vt_vm *vm, const struct vmtrace_event *ev)
{
	unsigned int i;

	for (i = 0; vm && i < vm->npath; i++)
		if (vm->path[i].ifindex == ev->ifindex && vm->path[i].netns_cookie == ev->netns_cookie)
			return &vm->path[i];
	return NULL;
}

int vt_vm_has_addr(const struct vt_vm *vm, int family, const uint8_t *a)
{
	unsigned int i;

	for (i = 0; vm && i < vm->naddrs; i++)
		if (vm->addrs[i].family == family && !memcmp(vm->addrs[i].addr, a, vt_addr_len(family)))
			return 1;
	return 0;
}

/* Did the VM get a request meant for it? Inside its namespace, or taken by its tap's reader. */
int vt_vm_traces_inside(const struct vt_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->npath; i++)
		if (vm->path[i].role == VT_ROLE_VM)
			return 1;
	return 0;
}

const char *vt_role_name(enum vt_role role)
{
	static const char *const names[] = {
		[VT_ROLE_VM] = "vm", [VT_ROLE_PORT] = "port", [VT_ROLE_CHAIN] = "chain",
		[VT_ROLE_BRIDGE] = "bridge", [VT_ROLE_NEIGHBOUR] = "neighbour", [VT_ROLE_LOWER] = "lower",
		[VT_ROLE_TUNNEL] = "tunnel", [VT_ROLE_UNDERLAY] = "underlay",
	};

	return (unsigned int)role < sizeof(names) / sizeof(names[0]) ? names[role] : "?";
}
