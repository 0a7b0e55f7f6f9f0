// SPDX-License-Identifier: GPL-2.0
/*
 * Trace sessions. Hooks, rings and the flush worker exist only while at
 * least one session is live: with none, vmtrace costs what an unloaded
 * module costs. A session belongs to the netlink socket that started it and
 * ends with that socket.
 */
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>

#include "compat/compat.h"
#include "vmtrace.h"

struct vmtrace_filter_set __rcu *vmtrace_filters;

static DEFINE_MUTEX(session_lock);
static u32 next_generation;

static struct vmtrace_filter_set *current_set(void)
{
	return rcu_dereference_protected(vmtrace_filters, lockdep_is_held(&session_lock));
}

static void rebuild_ifmap(struct vmtrace_filter_set *fs)
{
	unsigned long active = fs->active;
	unsigned int s, i;

	bitmap_zero(fs->ifmap, VMTRACE_IFMAP_BITS);
	for_each_set_bit(s, &active, VMTRACE_MAX_SESSIONS)
		for (i = 0; i < fs->sess[s].nifaces; i++)
			__set_bit(fs->sess[s].ifaces[i].ifindex & (VMTRACE_IFMAP_BITS - 1),
				  fs->ifmap);
}

static struct vmtrace_filter_set *copy_set(const struct vmtrace_filter_set *old)
{
	struct vmtrace_filter_set *fs = kvzalloc(sizeof(*fs), GFP_KERNEL);

	if (fs && old)
		memcpy(fs, old, sizeof(*fs));
	return fs;
}

/*
 * Replace the published set; the old one is freed once no probe can see it.
 * Expedited: a session starting or stopping is rare, and the operator is
 * waiting for it (and start must not return before probes see the filter).
 */
static void publish(struct vmtrace_filter_set *fs)
{
	struct vmtrace_filter_set *old = current_set();

	rcu_assign_pointer(vmtrace_filters, fs);
	synchronize_rcu_expedited();
	kvfree(old);
}

static int hooks_attach(const struct vmtrace_filter_set *fs)
{
	int err;

	err = vmtrace_rings_alloc();
	if (err)
		goto err_rings;
	err = vmtrace_nf_update(fs);
	if (err)
		goto err_hooks;
	err = vmtrace_probes_attach();
	if (err)
		goto err_hooks;
	return 0;

err_hooks:
	/* a failed update may have hooked some namespaces before it failed */
	vmtrace_nf_update(NULL);
	vmtrace_probes_wait();
	vmtrace_rings_free();
err_rings:
	return err;
}

/*
 * The last session is gone: unhook everything, then wait once for every
 * probe, hook and reader of @old to have returned (one wait, not one per
 * kind of hook: stopping is what an operator waits for).
 */
static void hooks_detach(struct vmtrace_filter_set *old)
{
	vmtrace_probes_detach();
	vmtrace_nf_update(NULL);
	rcu_assign_pointer(vmtrace_filters, NULL);
	vmtrace_probes_wait();
	vmtrace_rings_free();
	kvfree(old);
}

int vmtrace_session_start(struct vmtrace_sess_filter *f, u32 *id,
			  struct netlink_ext_ack *extack)
{
	struct vmtrace_filter_set *old, *fs;
	unsigned int slot;
	int err = 0;

	mutex_lock(&session_lock);
	old = current_set();
	slot = old ? ffz(old->active) : 0;
	if (slot >= VMTRACE_MAX_SESSIONS) {
		NL_SET_ERR_MSG(extack, "too many trace sessions");
		err = -EBUSY;
		goto out;
	}
	fs = copy_set(old);
	if (!fs) {
		err = -ENOMEM;
		goto out;
	}
	fs->sess[slot] = *f;
	fs->active |= BIT(slot);
	fs->generation[slot] = ++next_generation;
	vmtrace_ring_reset_session(slot);
	rebuild_ifmap(fs);

	if (!old) {
		/* Probes find the filter as soon as they are attached. */
		rcu_assign_pointer(vmtrace_filters, fs);
		err = hooks_attach(fs);
		if (err) {
			NL_SET_ERR_MSG(extack, "cannot attach tracepoints or netfilter hooks");
			publish(NULL);
			goto out;
		}
	} else {
		err = vmtrace_nf_update(fs);
		if (err) {
			NL_SET_ERR_MSG(extack, "cannot register netfilter hooks");
			vmtrace_nf_update(old);
			kvfree(fs);
			goto out;
		}
		publish(fs);
	}
	*id = slot;
	pr_debug("session %u started by port %u\n", slot, f->owner_portid);
out:
	mutex_unlock(&session_lock);
	return err;
}

static int stop_locked(u32 id)
{
	struct vmtrace_filter_set *fs, *old = current_set();

	if (!old || id >= VMTRACE_MAX_SESSIONS || !(old->active & BIT(id)))
		return -ENOENT;
	if (old->active == BIT(id)) {
		/* Last session: unhook first, then deliver what is queued. */
		hooks_detach(old);
		return 0;
	}
	fs = copy_set(old);
	if (!fs)
		return -ENOMEM;
	fs->active &= ~BIT(id);
	memset(&fs->sess[id], 0, sizeof(fs->sess[id]));
	rebuild_ifmap(fs);
	publish(fs);
	/* cannot fail: it only unhooks the namespaces this session alone watched */
	WARN_ON_ONCE(vmtrace_nf_update(fs));
	return 0;
}

int vmtrace_session_stop(u32 id, struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&session_lock);
	err = stop_locked(id);
	mutex_unlock(&session_lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(extack, "VMTRACE_A_SESSION_ID: no such session");
	return err;
}

unsigned int vmtrace_session_count(void)
{
	unsigned int n;

	mutex_lock(&session_lock);
	n = current_set() ? hweight32(current_set()->active) : 0;
	mutex_unlock(&session_lock);
	return n;
}

static int netlink_release(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct vmtrace_filter_set *fs;
	unsigned long active;
	unsigned int s;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	mutex_lock(&session_lock);
	fs = current_set();
	active = fs ? fs->active : 0;
	for_each_set_bit(s, &active, VMTRACE_MAX_SESSIONS) {
		/* stop_locked() may free fs: re-read it every time. */
		fs = current_set();
		if (fs && fs->sess[s].owner_portid == n->portid)
			stop_locked(s);
	}
	mutex_unlock(&session_lock);
	return NOTIFY_DONE;
}

static struct notifier_block netlink_release_nb = {
	.notifier_call = netlink_release,
};

int vmtrace_session_init(void)
{
	return netlink_register_notifier(&netlink_release_nb);
}

/* Called after the family is gone: no new session can start. */
void vmtrace_session_exit(void)
{
	unsigned int s;

	netlink_unregister_notifier(&netlink_release_nb);
	mutex_lock(&session_lock);
	for (s = 0; s < VMTRACE_MAX_SESSIONS; s++)
		stop_locked(s);
	mutex_unlock(&session_lock);
}
