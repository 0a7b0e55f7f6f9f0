// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks in each network namespace a session watches.
 * nf_hook_slow() frees a dropped packet with NETFILTER_DROP and its own
 * address as location, which says nothing of where; vmtrace's
 * first-priority hook opens a frame "skb P is inside hook point X" on a
 * per-CPU stack so that the kfree_skb probe can name the hook point,
 * namespace and devices. It is a stack because br_netfilter runs IP hooks
 * from inside bridge hooks.
 *
 * Every hook costs every packet of its namespace and hook point a call, so
 * there are as few as attribution allows (ops_wanted()):
 * - A point that nobody else hooks cannot drop: it gets no frame. An IP
 *   point gets a first hook that only records the hop; a bridge point gets
 *   nothing (its ports' dev:rx and dev:tx show the crossing).
 * - A point something filters gets a frame. IP points and bridge
 *   prerouting also have a last-priority hook that closes it: IP frames,
 *   because a bridge hook after br_netfilter's may drop the packet once its
 *   IP traversal is over; bridge prerouting, because its drops are plain
 *   kfree_skb(), told apart only by the frame being open.
 * - The other bridge points have no last hook. Their frame stays until the
 *   skb's next bridge frame, its free or its age retires it, and it names
 *   only a NETFILTER_DROP (which nothing but nf_hook_slow() uses) of the
 *   very packet it saw: a tap's FULL_RING drop after bridge:postrouting
 *   stays a tap drop. Kernels without drop reasons keep every last hook.
 *
 * A frame is left behind when a hook steals or queues the packet, or when a
 * process-context traversal migrates CPUs; frames are therefore matched by
 * skb and trusted only while young.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/if_ether.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "compat/compat.h"
#include "nfhooks.h"
#include "record.h"
#include "session.h"

#define NF_FRAME_MAX_AGE_NS	(100 * NSEC_PER_MSEC)

DEFINE_PER_CPU(struct vmtrace_nf_stack, vmtrace_nf_stack);

static const u8 br_points[NF_BR_NUMHOOKS] = {
	[NF_BR_PRE_ROUTING]	= VMTRACE_POINT_BR_PREROUTING,
	[NF_BR_LOCAL_IN]	= VMTRACE_POINT_BR_INPUT,
	[NF_BR_FORWARD]		= VMTRACE_POINT_BR_FORWARD,
	[NF_BR_LOCAL_OUT]	= VMTRACE_POINT_BR_OUTPUT,
	[NF_BR_POST_ROUTING]	= VMTRACE_POINT_BR_POSTROUTING,
};

static const u8 ip_points[NF_INET_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING]	= VMTRACE_POINT_IP_PREROUTING,
	[NF_INET_LOCAL_IN]	= VMTRACE_POINT_IP_INPUT,
	[NF_INET_FORWARD]	= VMTRACE_POINT_IP_FORWARD,
	[NF_INET_LOCAL_OUT]	= VMTRACE_POINT_IP_OUTPUT,
	[NF_INET_POST_ROUTING]	= VMTRACE_POINT_IP_POSTROUTING,
};

static u8 hook_dir(unsigned int hook)
{
	/* NF_BR_* and NF_INET_* share their numbering. */
	switch (hook) {
	case NF_INET_PRE_ROUTING:
	case NF_INET_LOCAL_IN:
		return VMTRACE_DIR_RX;
	case NF_INET_LOCAL_OUT:
	case NF_INET_POST_ROUTING:
		return VMTRACE_DIR_TX;
	default:
		return VMTRACE_DIR_NONE;
	}
}

/* Does a last-priority hook close this bridge point's frames? */
static bool br_point_closed(unsigned int hook)
{
	return hook == NF_BR_PRE_ROUTING || !VMTRACE_HAVE_NF_DROP_REASON;
}

/* Remove frame @i of @st. */
static void drop_frame(struct vmtrace_nf_stack *st, unsigned int i)
{
	memmove(&st->frames[i], &st->frames[i + 1], sizeof(st->frames[0]) * (st->depth - i - 1));
	st->depth--;
}

static void push_frame(const struct vmtrace_nf_frame *f)
{
	struct vmtrace_nf_stack *st;
	unsigned long flags;
	unsigned int i;

	local_irq_save(flags);
	st = this_cpu_ptr(&vmtrace_nf_stack);
	/* Frames left behind by stolen packets age out here. */
	while (st->depth &&
	       f->ts - st->frames[st->depth - 1].ts > NF_FRAME_MAX_AGE_NS)
		st->depth--;
	/* A bridge traversal is never nested: the skb's older frames are over. */
	if (f->bridge)
		for (i = st->depth; i--; )
			if (st->frames[i].skb == f->skb)
				drop_frame(st, i);
	if (st->depth == VMTRACE_NF_STACK_DEPTH)
		drop_frame(st, 0);
	st->frames[st->depth++] = *f;
	local_irq_restore(flags);
}

/* Remove the topmost frame for @skb (and, if closed, anything above it); copy it out. */
static bool pop_frame(const struct sk_buff *skb, struct vmtrace_nf_frame *out)
{
	struct vmtrace_nf_stack *st;
	unsigned long flags;
	bool found = false;
	unsigned int i;

	local_irq_save(flags);
	st = this_cpu_ptr(&vmtrace_nf_stack);
	for (i = st->depth; i--; ) {
		if (st->frames[i].skb != skb)
			continue;
		found = ktime_get_ns() - st->frames[i].ts <= NF_FRAME_MAX_AGE_NS;
		if (found && out)
			*out = st->frames[i];
		/* an open frame's traversal encloses the frames above it */
		if (st->frames[i].closed)
			st->depth = i;
		else
			drop_frame(st, i);
		break;
	}
	local_irq_restore(flags);
	return found;
}

/*
 * kfree_skb(@skb, @reason): was it freed inside a hook point vmtrace saw it
 * enter? Either way the skb's frame is gone afterwards.
 */
bool vmtrace_nf_take_frame(const struct sk_buff *skb, unsigned int reason,
			   struct vmtrace_nf_frame *out)
{
	if (!pop_frame(skb, out))
		return false;
	if (out->closed)
		return true;
	return vmtrace_reason_is_nf_drop(reason) && vmtrace_same_packet(skb, out);
}

/* @skb is consumed: its frames are over. */
void vmtrace_nf_forget(const struct sk_buff *skb)
{
	if (vmtrace_nf_frames_open())
		pop_frame(skb, NULL);
}

/* No hook or probe runs (the last session is gone): forget every frame. */
void vmtrace_nf_frames_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(vmtrace_nf_stack, cpu).depth = 0;
}

/*
 * What a first hook opens for a packet a session wants: its op's priv says.
 * A frame only where something else hooks the point, since only there can
 * the packet be dropped inside it; elsewhere the hook just records the hop.
 */
enum frame_kind { FRAME_NONE, FRAME_OPEN, FRAME_CLOSED };

/* A packet vmtrace_skb_wanted() let through: record it and open its frame if a session wants it. */
static noinline void hook_seen(struct sk_buff *skb, const struct nf_hook_state *state,
			       u16 l3, bool bridge, enum frame_kind kind)
{
	const struct net_device *dev = state->in ?: state->out;
	const struct net_device *dev_out = state->in != state->out ? state->out : NULL;
	const struct vmtrace_filter_set *fs;
	struct vmtrace_nf_frame f;

	if (dev == dev_out)
		dev_out = NULL;
	f.mask = 0;
	rcu_read_lock();
	fs = rcu_dereference(vmtrace_filters);
	if (fs)
		f.mask = vmtrace_match(fs, skb, dev, dev_out, l3, skb_network_offset(skb), &f.pkt);
	rcu_read_unlock();
	if (!f.mask)
		return;

	f.skb = skb;
	f.bridge = bridge;
	f.closed = kind == FRAME_CLOSED;
	f.point = bridge ? br_points[state->hook] : ip_points[state->hook];
	f.dir = hook_dir(state->hook);
	vmtrace_devinfo_fill(&f.devs, dev, dev_out);
	{
		struct vmtrace_where w = { .point = f.point, .dir = f.dir, .devs = &f.devs };

		vmtrace_record(skb, &w, f.mask, &f.pkt, 0, NULL);
	}
	if (kind == FRAME_NONE)
		return;
	f.ts = ktime_get_ns();
	push_frame(&f);
}

static enum frame_kind frame_kind_of(const void *priv)
{
	return (enum frame_kind)(unsigned long)priv;
}

/* Every packet of a hooked namespace comes through these: reject it in a few loads. */
static unsigned int hook_first_bridge(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	if (vmtrace_skb_wanted(skb, 0))
		hook_seen(skb, state, 0, true, frame_kind_of(priv));
	return NF_ACCEPT;
}

static unsigned int hook_first_ipv4(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	if (vmtrace_skb_wanted(skb, ETH_P_IP))
		hook_seen(skb, state, ETH_P_IP, false, frame_kind_of(priv));
	return NF_ACCEPT;
}

static unsigned int hook_first_ipv6(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	if (vmtrace_skb_wanted(skb, ETH_P_IPV6))
		hook_seen(skb, state, ETH_P_IPV6, false, frame_kind_of(priv));
	return NF_ACCEPT;
}

static unsigned int hook_last(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	if (vmtrace_nf_frames_open())
		pop_frame(skb, NULL);
	return NF_ACCEPT;
}

static bool vmtrace_hookfn(nf_hookfn *fn)
{
	return fn == hook_first_bridge || fn == hook_first_ipv4 || fn == hook_first_ipv6 ||
	       fn == hook_last;
}

/* An op's part at its hook point (see the top of this file). */
enum op_role { OP_FIRST_PLAIN, OP_FIRST_FRAMED, OP_LAST };

#define HOOKS_PER_FAMILY	5
#define NF_MAX_OPS		(3 * HOOKS_PER_FAMILY * 3)
static struct nf_hook_ops nf_ops[NF_MAX_OPS];
static u8 nf_role[NF_MAX_OPS];
static unsigned int nf_nops;

static void add_op(nf_hookfn *fn, u8 pf, unsigned int hook, enum op_role role,
		   enum frame_kind kind)
{
	nf_ops[nf_nops] = (struct nf_hook_ops){
		.hook = fn, .pf = pf, .hooknum = hook,
		.priority = role == OP_LAST ? INT_MAX : INT_MIN,
		.priv = (void *)(unsigned long)kind,
	};
	nf_role[nf_nops++] = role;
}

static void fill_ops(void)
{
	static const struct {
		u8 pf;
		nf_hookfn *first;
	} ip[] = {
		{ NFPROTO_IPV4, hook_first_ipv4 },
		{ NFPROTO_IPV6, hook_first_ipv6 },
	};
	unsigned int p, h;

	for (h = 0; h < HOOKS_PER_FAMILY; h++) {
		bool closed = br_point_closed(h);

		add_op(hook_first_bridge, NFPROTO_BRIDGE, h, OP_FIRST_FRAMED,
		       closed ? FRAME_CLOSED : FRAME_OPEN);
		if (closed)
			add_op(hook_last, NFPROTO_BRIDGE, h, OP_LAST, FRAME_NONE);
	}
	for (p = 0; p < ARRAY_SIZE(ip); p++) {
		for (h = 0; h < HOOKS_PER_FAMILY; h++) {
			add_op(ip[p].first, ip[p].pf, h, OP_FIRST_PLAIN, FRAME_NONE);
			add_op(ip[p].first, ip[p].pf, h, OP_FIRST_FRAMED, FRAME_CLOSED);
			add_op(hook_last, ip[p].pf, h, OP_LAST, FRAME_NONE);
		}
	}
}

/* Per namespace: does a session watch it, and which of nf_ops are registered here? */
struct nf_netns {
	bool watched;
	u64 registered;		/* bit i: nf_ops[i] */
};

static unsigned int nf_net_id;
static atomic_t nf_hooked_netns;
static atomic_t nf_hooks;
/* Serialises registration: session changes and the recheck. */
static DEFINE_MUTEX(nf_lock);

#define NF_RECHECK_INTERVAL	(HZ / 10)
static void nf_recheck(struct work_struct *work);
static DECLARE_DELAYED_WORK(nf_recheck_work, nf_recheck);

/*
 * For status: how many namespaces carry vmtrace's hooks now, how many hooks
 * in all, and the most one namespace can carry.
 */
unsigned int vmtrace_nf_hooked_netns(void)
{
	return atomic_read(&nf_hooked_netns);
}

unsigned int vmtrace_nf_hooks(void)
{
	return atomic_read(&nf_hooks);
}

unsigned int vmtrace_nf_hooks_per_netns(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < nf_nops; i++)
		n += nf_role[i] != OP_FIRST_PLAIN;
	return n;
}

static bool netns_watched(const struct vmtrace_filter_set *fs, u64 cookie)
{
	unsigned long active = fs->active;
	unsigned int s, i;

	for_each_set_bit(s, &active, VMTRACE_MAX_SESSIONS)
		for (i = 0; i < fs->sess[s].nifaces; i++)
			if (fs->sess[s].ifaces[i].netns_cookie == cookie)
				return true;
	return false;
}

static struct nf_hook_entries __rcu **point_hooks(struct net *net, u8 pf, unsigned int hook)
{
	switch (pf) {
	case NFPROTO_BRIDGE:
		return &net->nf.hooks_bridge[hook];
	case NFPROTO_IPV4:
		return &net->nf.hooks_ipv4[hook];
	default:
		return &net->nf.hooks_ipv6[hook];
	}
}

/* Does anyone but vmtrace hook point @hook of family @pf in @net? */
static bool point_filtered(struct net *net, u8 pf, unsigned int hook)
{
	const struct nf_hook_entries *e;
	bool found = false;
	unsigned int i;

	rcu_read_lock();
	e = rcu_dereference(*point_hooks(net, pf, hook));
	for (i = 0; e && i < e->num_hook_entries; i++)
		if (!vmtrace_hookfn(e->hooks[i].hook))
			found = true;
	rcu_read_unlock();
	return found;
}

/* The hooks a watched namespace needs now: see the top of this file. */
static u64 ops_wanted(struct net *net)
{
	bool filtered = false;
	u64 want = 0;
	unsigned int i;

	for (i = 0; i < nf_nops; i++) {
		/* fill_ops() puts a point's ops side by side: read its hooks once */
		if (!i || nf_ops[i].pf != nf_ops[i - 1].pf ||
		    nf_ops[i].hooknum != nf_ops[i - 1].hooknum)
			filtered = point_filtered(net, nf_ops[i].pf, nf_ops[i].hooknum);
		if (nf_role[i] == OP_FIRST_PLAIN ? !filtered : filtered)
			want |= BIT_ULL(i);
	}
	return want;
}

/*
 * Register and unregister nf_ops in @net until @want is what is registered.
 * Registering publishes a new hook array and a packet runs one array from
 * start to end, so the order makes every array it can see consistent: a
 * point's framed first hook never without its last hook (the frame would
 * stay open), never beside its plain one (the hop twice): first hooks come
 * off before last hooks, last hooks go on before first hooks.
 */
static int nf_apply(struct net *net, struct nf_netns *nn, u64 want)
{
	u64 change = nn->registered ^ want;
	bool was_hooked = nn->registered;
	unsigned int pass, i;
	int err = 0;

	for (pass = 0; pass < 4 && !err; pass++) {
		/* 0: first hooks off, 1: last hooks off, 2: last hooks on, 3: first hooks on */
		bool on = pass >= 2, last = pass == 1 || pass == 2;

		for (i = 0; i < nf_nops; i++) {
			bool is_last = nf_role[i] == OP_LAST;

			if (!(change & BIT_ULL(i)) || !!(want & BIT_ULL(i)) != on ||
			    is_last != last)
				continue;
			if (on) {
				err = nf_register_net_hook(net, &nf_ops[i]);
				if (err)
					break;
				nn->registered |= BIT_ULL(i);
				atomic_inc(&nf_hooks);
			} else {
				nf_unregister_net_hook(net, &nf_ops[i]);
				nn->registered &= ~BIT_ULL(i);
				atomic_dec(&nf_hooks);
			}
		}
	}
	if (!was_hooked && nn->registered)
		atomic_inc(&nf_hooked_netns);
	else if (was_hooked && !nn->registered)
		atomic_dec(&nf_hooked_netns);
	return err;
}

/* Every watched namespace gets the hooks its filters now call for. */
static bool nf_apply_all(void)
{
	bool any = false;
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net) {
		struct nf_netns *nn = net_generic(net, nf_net_id);

		if (!nn->watched)
			continue;
		any = true;
		/* a failure is tried again on the next round */
		if (nf_apply(net, nn, ops_wanted(net)))
			pr_warn_ratelimited("cannot register a netfilter hook in netns %u\n",
					    net->ns.inum);
	}
	up_read(&net_rwsem);
	return any;
}

/*
 * Filters come and go while a session runs (an nft table loaded, a
 * firewall restarted) and the kernel tells no one: look again ten times a
 * second. A drop at a point filtered since the last look is still recorded,
 * as skb:drop NETFILTER_DROP on its device.
 */
static void nf_recheck(struct work_struct *work)
{
	bool any;

	mutex_lock(&nf_lock);
	any = nf_apply_all();
	if (any)
		schedule_delayed_work(&nf_recheck_work, NF_RECHECK_INTERVAL);
	mutex_unlock(&nf_lock);
}

/*
 * Hook the namespaces that hold an interface @fs watches, unhook the others
 * (all of them for a NULL @fs). Hooks run for every packet of their
 * namespace and hook point, so a namespace nobody traces must not have them.
 * Returns without waiting: the caller waits for running hooks once, for
 * everything it took down. Fails only when a newly watched namespace cannot
 * get its hooks.
 *
 * Under net_rwsem a listed namespace has not reached its pernet exit (it is
 * unlisted first), so a namespace hooked here is always unhooked by
 * nf_net_exit() if it dies; nf_net_exit() sees only unlisted ones.
 */
int vmtrace_nf_update(const struct vmtrace_filter_set *fs)
{
	bool any = false;
	struct net *net;
	int err = 0;

	mutex_lock(&nf_lock);
	down_read(&net_rwsem);
	for_each_net(net) {
		struct nf_netns *nn = net_generic(net, nf_net_id);
		bool want = fs && netns_watched(fs, vmtrace_net_cookie(net));

		any |= want;
		if (want == nn->watched)
			continue;
		nn->watched = want;
		err = nf_apply(net, nn, want ? ops_wanted(net) : 0);
		if (err) {
			nn->watched = false;
			nf_apply(net, nn, 0);
			break;
		}
	}
	up_read(&net_rwsem);
	if (any && !err)
		mod_delayed_work(system_wq, &nf_recheck_work, NF_RECHECK_INTERVAL);
	mutex_unlock(&nf_lock);
	if (!any)
		cancel_delayed_work_sync(&nf_recheck_work);
	return err;
}

static void __net_exit nf_net_exit(struct net *net)
{
	struct nf_netns *nn = net_generic(net, nf_net_id);

	nn->watched = false;
	nf_apply(net, nn, 0);
}

static struct pernet_operations nf_pernet_ops = {
	.exit = nf_net_exit,
	.id = &nf_net_id,
	.size = sizeof(struct nf_netns),
};

/* For the module's lifetime: per-namespace state, and the exit of hooked namespaces. */
int vmtrace_nf_init(void)
{
	fill_ops();
	return register_pernet_subsys(&nf_pernet_ops);
}

void vmtrace_nf_exit(void)
{
	cancel_delayed_work_sync(&nf_recheck_work);
	unregister_pernet_subsys(&nf_pernet_ops);
}
