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
#include "nfhooks.h"
#include "probes.h"
#include "ring.h"
#include "session.h"

struct vmtrace_filter_set __rcu *vmtrace_filters;

/*
 * session_lock serialises sessions starting and stopping (and with them
 * hook registration and the rings). devs_lock serialises every write of
 * vmtrace_filters, vmtrace_tunnels_wanted and of the device pointers in the
 * published set: the
 * netdevice notifier takes it under RTNL, and session code under
 * session_lock. Nothing is taken while devs_lock is held, and nothing that
 * holds session_lock takes RTNL.
 */
static DEFINE_MUTEX(session_lock);
static DEFINE_MUTEX(devs_lock);
static u32 next_generation;
static bool sessions_closed;	/* the module is going: no new session */

static struct vmtrace_filter_set *current_set(void)
{
	return rcu_dereference_protected(vmtrace_filters, lockdep_is_held(&session_lock) ||
					 lockdep_is_held(&devs_lock));
}

/* The ifmap of @fs's live sessions, into @map. */
static void compute_ifmap(const struct vmtrace_filter_set *fs, unsigned long *map)
{
	unsigned long active = fs->active;
	unsigned int s, i;

	bitmap_zero(map, VMTRACE_IFMAP_BITS);
	for_each_set_bit(s, &active, VMTRACE_MAX_SESSIONS)
		for (i = 0; i < fs->sess[s].nifaces; i++)
			if (fs->sess[s].ifaces[i].dev)
				__set_bit(vmtrace_ifmap_bit(fs->sess[s].ifaces[i].dev), map);
}

static bool iface_is(const struct vmtrace_iface *iface, const struct net_device *dev)
{
	return iface->ifindex == dev->ifindex &&
	       iface->netns_cookie == vmtrace_net_cookie(dev_net(dev));
}

/*
 * Point @f's interfaces at the devices they name, if registered now; under
 * devs_lock. The namespaces are walked once, not once per interface: a host
 * with a thousand containers has a thousand of them. A device found here
 * that is being unregistered meanwhile has its NETDEV_UNREGISTER still to
 * come (it runs after the device left the index and an RCU wait), which
 * waits for devs_lock and then clears it.
 */
static void sess_lookup(struct vmtrace_sess_filter *f)
{
	struct net_device *dev;
	struct net *net;
	unsigned int i;

	for (i = 0; i < f->nifaces; i++)
		f->ifaces[i].dev = NULL;
	rcu_read_lock();
	for_each_net_rcu(net) {
		u64 cookie = vmtrace_net_cookie(net);

		for (i = 0; i < f->nifaces; i++) {
			struct vmtrace_iface *iface = &f->ifaces[i];

			if (iface->dev || iface->netns_cookie != cookie)
				continue;
			dev = dev_get_by_index_rcu(net, iface->ifindex);
			if (dev && dev->reg_state == NETREG_REGISTERED)
				iface->dev = dev;
		}
	}
	rcu_read_unlock();
}

static struct vmtrace_filter_set *copy_set(const struct vmtrace_filter_set *old)
{
	struct vmtrace_filter_set *fs = kvzalloc(sizeof(*fs), GFP_KERNEL);

	if (fs && old)
		memcpy(fs, old, sizeof(*fs));
	return fs;
}

static void free_set_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct vmtrace_filter_set, rcu));
}

/* Does a live session of @fs look inside UDP tunnels? */
static bool tunnels_wanted(const struct vmtrace_filter_set *fs)
{
	unsigned long active = fs ? fs->active : 0;
	unsigned int s;

	for_each_set_bit(s, &active, VMTRACE_MAX_SESSIONS)
		if (fs->sess[s].tunnels)
			return true;
	return false;
}

/* publish()'s @new_slot when no session is new */
#define NO_NEW_SLOT	VMTRACE_MAX_SESSIONS

/*
 * Replace the published set (NULL: none); the old one is freed once no
 * probe can see it. The sessions @fs shares with the old set keep the
 * device pointers the notifier has kept true there; @new_slot's are looked
 * up now.
 */
static void publish(struct vmtrace_filter_set *fs, unsigned int new_slot)
{
	struct vmtrace_filter_set *old;
	unsigned long active;
	unsigned int s, i;

	mutex_lock(&devs_lock);
	old = current_set();
	active = fs ? fs->active : 0;
	for_each_set_bit(s, &active, VMTRACE_MAX_SESSIONS) {
		struct vmtrace_sess_filter *f = &fs->sess[s];

		if (s == new_slot) {
			sess_lookup(f);
			continue;
		}
		for (i = 0; i < f->nifaces; i++)
			f->ifaces[i].dev = old->sess[s].ifaces[i].dev;
	}
	if (fs)
		compute_ifmap(fs, fs->ifmap);
	/* a cost gate, not a filter: a UDP packet seen as it flips may go either way */
	WRITE_ONCE(vmtrace_tunnels_wanted, tunnels_wanted(fs));
	rcu_assign_pointer(vmtrace_filters, fs);
	mutex_unlock(&devs_lock);
	if (old)
		call_rcu(&old->rcu, free_set_rcu);
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
	vmtrace_nf_frames_reset();
	vmtrace_rings_free();
err_rings:
	return err;
}

int vmtrace_session_start(struct vmtrace_sess_filter *f, u32 *id, u32 *generation,
			  struct netlink_ext_ack *extack)
{
	struct vmtrace_filter_set *old, *fs;
	unsigned int slot;
	int err = 0;

	mutex_lock(&session_lock);
	if (sessions_closed) {
		NL_SET_ERR_MSG(extack, "vmtrace is being unloaded");
		err = -ESHUTDOWN;
		goto out;
	}
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

	if (!old) {
		/* Probes find the filter as soon as they are attached. */
		publish(fs, slot);
		err = hooks_attach(fs);
		if (err) {
			NL_SET_ERR_MSG(extack, "cannot attach tracepoints or netfilter hooks");
			publish(NULL, NO_NEW_SLOT);
			goto out;
		}
	} else {
		/* namespaces only: the devices are looked up as fs is published */
		err = vmtrace_nf_update(fs);
		if (err) {
			NL_SET_ERR_MSG(extack, "cannot register netfilter hooks");
			vmtrace_nf_update(old);
			kvfree(fs);
			goto out;
		}
		publish(fs, slot);
	}
	*id = slot;
	*generation = fs->generation[slot];
	pr_debug("session %u started by port %u\n", slot, f->owner_portid);
out:
	mutex_unlock(&session_lock);
	return err;
}

/*
 * Take session @id out of what the probes match, in place: it allocates
 * nothing, so a stop cannot fail. Its events already queued still go out
 * (to its socket, or counted as lost if @owner_gone) while it drains.
 * Readers see the old active mask or the new one; every ifmap word goes
 * from its old value to its new one, so no other session's bit ever
 * clears, even for a moment.
 */
static void retire(struct vmtrace_filter_set *fs, unsigned int id, bool owner_gone)
{
	DECLARE_BITMAP(map, VMTRACE_IFMAP_BITS);
	unsigned int i;

	mutex_lock(&devs_lock);
	WRITE_ONCE(fs->active, fs->active & ~BIT(id));
	WRITE_ONCE(fs->draining, fs->draining | BIT(id));
	if (owner_gone)
		WRITE_ONCE(fs->orphaned, fs->orphaned | BIT(id));
	compute_ifmap(fs, map);
	for (i = 0; i < BITS_TO_LONGS(VMTRACE_IFMAP_BITS); i++)
		WRITE_ONCE(fs->ifmap[i], map[i]);
	WRITE_ONCE(vmtrace_tunnels_wanted, tunnels_wanted(fs));
	mutex_unlock(&devs_lock);
}

/*
 * Stop session @id: no probe records for it once this returns, and the
 * events it had queued have gone out (or been counted lost). The last
 * session takes the hooks, probes and rings with it, with one wait for
 * everything (stopping is what an operator waits for). Cannot fail but
 * for an unknown @id.
 */
static int stop_locked(u32 id, bool owner_gone)
{
	struct vmtrace_filter_set *fs = current_set();
	bool last;

	if (!fs || id >= VMTRACE_MAX_SESSIONS || !(fs->active & BIT(id)))
		return -ENOENT;
	last = fs->active == BIT(id);
	retire(fs, id, owner_gone);
	if (last) {
		vmtrace_probes_detach();
		vmtrace_nf_update(NULL);
		/* every probe, hook and reader of the filters has returned */
		vmtrace_probes_wait();
		/* frames left open must not reach the next session */
		vmtrace_nf_frames_reset();
	} else {
		/* cannot fail: it only unhooks the namespaces this session alone watched */
		WARN_ON_ONCE(vmtrace_nf_update(fs));
		/* no probe is still recording for @id */
		synchronize_rcu();
	}
	vmtrace_ring_flush();
	if (last) {
		vmtrace_rings_free();
		publish(NULL, NO_NEW_SLOT);
		return 0;
	}
	/*
	 * Drained. The slot's filter stays as it was until a start reuses
	 * it: the ring worker may still be reading its owner.
	 */
	mutex_lock(&devs_lock);
	WRITE_ONCE(fs->draining, fs->draining & ~BIT(id));
	WRITE_ONCE(fs->orphaned, fs->orphaned & ~BIT(id));
	mutex_unlock(&devs_lock);
	return 0;
}

int vmtrace_session_stop(u32 id, struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&session_lock);
	err = stop_locked(id, false);
	mutex_unlock(&session_lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(extack, "VMTRACE_A_SESSION_ID: no such session");
	return err;
}

/* Undo a start whose reply could not be built: that session, not a later one in its slot. */
void vmtrace_session_abort(u32 id, u32 generation)
{
	const struct vmtrace_filter_set *fs;

	mutex_lock(&session_lock);
	fs = current_set();
	if (fs && id < VMTRACE_MAX_SESSIONS && fs->generation[id] == generation)
		stop_locked(id, false);
	mutex_unlock(&session_lock);
}

/* Lockless: status must not wait behind a session that is starting. */
unsigned int vmtrace_session_count(void)
{
	const struct vmtrace_filter_set *fs;
	unsigned int n;

	rcu_read_lock();
	fs = rcu_dereference(vmtrace_filters);
	n = fs ? hweight32(fs->active) : 0;
	rcu_read_unlock();
	return n;
}

/*
 * Keep every session's device pointers true: cleared before a watched
 * device is freed (or leaves its namespace), set when a device that a
 * filter names appears (moved into its namespace). Updated in place, under
 * devs_lock: a probe sees the old pointer or the new one, and the old
 * one stays valid until the RCU wait that follows NETDEV_UNREGISTER in
 * unregister_netdevice_many(). A stale ifmap bit costs a compare, nothing.
 */
static int dev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct vmtrace_filter_set *fs;
	unsigned long active;
	unsigned int s, i;

	if (event != NETDEV_UNREGISTER && event != NETDEV_REGISTER)
		return NOTIFY_DONE;
	mutex_lock(&devs_lock);
	fs = current_set();
	active = fs ? fs->active : 0;
	for_each_set_bit(s, &active, VMTRACE_MAX_SESSIONS) {
		struct vmtrace_sess_filter *f = &fs->sess[s];

		for (i = 0; i < f->nifaces; i++) {
			struct vmtrace_iface *iface = &f->ifaces[i];

			if (event == NETDEV_UNREGISTER) {
				if (iface->dev == dev)
					WRITE_ONCE(iface->dev, NULL);
			} else if (!iface->dev && iface_is(iface, dev)) {
				/* a probe seeing one without the other misses a packet, no more */
				set_bit(vmtrace_ifmap_bit(dev), fs->ifmap);
				WRITE_ONCE(iface->dev, dev);
			}
		}
	}
	mutex_unlock(&devs_lock);
	return NOTIFY_DONE;
}

static struct notifier_block dev_nb = {
	.notifier_call = dev_event,
};

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
			stop_locked(s, true);
	}
	mutex_unlock(&session_lock);
	return NOTIFY_DONE;
}

static struct notifier_block netlink_release_nb = {
	.notifier_call = netlink_release,
};

int vmtrace_session_init(void)
{
	int err;

	err = register_netdevice_notifier(&dev_nb);
	if (err)
		return err;
	err = netlink_register_notifier(&netlink_release_nb);
	if (err)
		goto err_netlink;
	return 0;

err_netlink:
	unregister_netdevice_notifier(&dev_nb);
	return err;
}

/*
 * The module is going, its family still registered: refuse new sessions,
 * stop the live ones while their last events can still reach their
 * sockets.
 */
void vmtrace_session_close(void)
{
	unsigned int s;

	mutex_lock(&session_lock);
	sessions_closed = true;
	for (s = 0; s < VMTRACE_MAX_SESSIONS; s++)
		stop_locked(s, false);
	mutex_unlock(&session_lock);
}

/* Called after the family is gone. */
void vmtrace_session_exit(void)
{
	netlink_unregister_notifier(&netlink_release_nb);
	unregister_netdevice_notifier(&dev_nb);
	/* the sets retired with call_rcu() are freed before this code goes */
	rcu_barrier();
}
