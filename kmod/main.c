// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace: follow ICMP echoes across the bridge, tap and veth hops of a
 * hypervisor host, and catch where they are dropped.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "version.h"
#include "netlink.h"
#include "nfhooks.h"
#include "probes.h"
#include "record.h"
#include "ring.h"
#include "session.h"

static int __init vmtrace_init(void)
{
	int err;

	vmtrace_record_init();
	err = vmtrace_probes_init();
	if (err)
		goto err_probes;
	err = vmtrace_ring_init();
	if (err)
		goto err_ring;
	err = vmtrace_nf_init();
	if (err)
		goto err_nf;
	err = vmtrace_session_init();
	if (err)
		goto err_session;
	err = vmtrace_genl_init();
	if (err)
		goto err_genl;
	pr_info("vmtrace " VMTRACE_VERSION " loaded\n");
	return 0;

err_genl:
	vmtrace_session_exit();
err_session:
	vmtrace_nf_exit();
err_nf:
	vmtrace_ring_exit();
err_ring:
err_probes:
	return err;
}

static void __exit vmtrace_exit(void)
{
	/* sessions end while their sockets can still get their last events */
	vmtrace_session_close();
	vmtrace_genl_exit();
	vmtrace_session_exit();
	vmtrace_nf_exit();
	vmtrace_ring_exit();
	pr_info("vmtrace unloaded\n");
}

module_init(vmtrace_init);
module_exit(vmtrace_exit);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("Follow ICMP echoes across bridge, tap and veth hops and catch their drops");
MODULE_AUTHOR("The vmtrace authors");
MODULE_VERSION(VMTRACE_VERSION);
MODULE_ALIAS_GENL_FAMILY(VMTRACE_GENL_NAME);
