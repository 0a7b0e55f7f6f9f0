// SPDX-License-Identifier: GPL-2.0
/*
 * Name a VM, get its host path: the VM's NICs (tap, veth), the bridges
 * they hang off, veth pairs between bridges (Proxmox's firewall bridge
 * fwbrNiM -> fwlnNiM/fwprNpM -> vmbrN), the other ports of those bridges,
 * and the VM's addresses where the host can learn them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "libvirt.h"
#include "netns.h"
#include "resolve.h"
#include "rtnl.h"

#define MAX_MACS	16

struct resolver {
	struct vt_vm *vm;
	struct vt_rtnl_view *host;	/* the namespace vmtrace runs in */
	unsigned int nmacs;
	uint8_t macs[MAX_MACS][6];	/* the VM's MACs, where known */
};


static void why_set(char *why, size_t len, const char *fmt, const char *a, const char *b)
{
	snprintf(why, len, fmt, a, b ? b : "");
}

static void add_mac(struct resolver *r, const uint8_t *mac)
{
	static const uint8_t zero[6];
	unsigned int i;

	if (!memcmp(mac, zero, 6) || r->nmacs == MAX_MACS)
		return;
	for (i = 0; i < r->nmacs; i++)
		if (!memcmp(r->macs[i], mac, 6))
			return;
	memcpy(r->macs[r->nmacs++], mac, 6);
}

static void add_addr(struct vt_vm *vm, int family, const uint8_t *addr)
{
	size_t alen = vt_addr_len(family);
	unsigned int i;

	if (vm->naddrs == VMTRACE_MAX_ADDRS)
		return;
	for (i = 0; i < vm->naddrs; i++)
		if (vm->addrs[i].family == family && !memcmp(vm->addrs[i].addr, addr, alen))
			return;
	vm->addrs[vm->naddrs].family = family;
	memset(vm->addrs[vm->naddrs].addr, 0, 16);
	memcpy(vm->addrs[vm->naddrs].addr, addr, alen);
	vm->naddrs++;
}

static void kind_of(const char *netns, const struct vt_link *l, char *kind, size_t len)
{
	char path[128], buf[32];
	FILE *f;

	snprintf(kind, len, "%s", l->kind[0] ? l->kind : "ether");
	if (strcmp(l->kind, "tun") || (netns && *netns))
		return;
	/* tun_flags tells a tap (IFF_TAP 0x0002) from a tun */
	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", l->name);
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f) && (strtoul(buf, NULL, 16) & 0x0002))
			snprintf(kind, len, "tap");
		fclose(f);
	}
}

static struct vt_path_elem *find_elem(struct vt_vm *vm, const char *netns, int ifindex)
{
	unsigned int i;

	for (i = 0; i < vm->npath; i++)
		if (vm->path[i].ifindex == ifindex && !strcmp(vm->path[i].netns, netns ? netns : ""))
			return &vm->path[i];
	return NULL;
}

static struct vt_path_elem *add_elem(struct resolver *r, const char *netns,
				     const struct vt_rtnl_view *v, const struct vt_link *l,
				     enum vt_role role)
{
	struct vt_vm *vm = r->vm;
	struct vt_path_elem *e = find_elem(vm, netns, l->ifindex);
	const struct vt_link *m;
	struct vt_iface id;

	if (e)
		return e;
	if (vm->npath == VMTRACE_MAX_IFACES)
		return NULL;
	if (vt_iface_resolve(netns, l->name, &id))
		return NULL;
	e = &vm->path[vm->npath++];
	memset(e, 0, sizeof(*e));
	snprintf(e->ifname, sizeof(e->ifname), "%s", l->name);
	snprintf(e->netns, sizeof(e->netns), "%s", netns ? netns : "");
	e->ifindex = l->ifindex;
	e->netns_cookie = id.netns_cookie;
	e->netns_inum = id.netns_inum;
	e->role = role;
	kind_of(netns, l, e->kind, sizeof(e->kind));
	m = l->master ? vt_link_by_index(v, l->master) : NULL;
	if (m) {
		snprintf(e->master, sizeof(e->master), "%s", m->name);
		e->master_ifindex = m->ifindex;
	}
	return e;
}

static int is_host_veth_pair(const struct vt_link *l)
{
	return !strcmp(l->kind, "veth") && l->link_netnsid < 0 && l->link > 0;
}

/*
 * Only a per-VM firewall bridge is walked through: a Linux bridge whose one
 * port besides the one we came by is a veth leading on (Proxmox's fwbr with
 * fwln, OpenStack's qbr with qvb). A bridge with other ports is the switch
 * itself, whatever veths it also holds (another VM's qvo on br-int).
 */
static const struct vt_link *single_onward_veth(const struct vt_rtnl_view *v, const struct vt_link *br,
						int arrived_by)
{
	const struct vt_link *found = NULL;
	unsigned int i, n = 0;

	if (strcmp(br->kind, "bridge"))
		return NULL;
	for (i = 0; i < v->nlinks; i++) {
		const struct vt_link *p = &v->links[i];

		if (p->master != br->ifindex || p->ifindex == arrived_by)
			continue;
		found = p;
		n++;
	}
	return n == 1 && is_host_veth_pair(found) ? found : NULL;
}

/*
 * OVS's internal ports (br-int, br-ex: where the host's addresses live) are
 * no upper device's ports, unlike the datapath's other ports, whose master
 * is the datapath device (ovs-system): on a datapath, they are ports too.
 */
static int is_ovs_internal(const struct vt_link *l, const struct vt_link *br)
{
	return !strcmp(br->kind, "openvswitch") && !strcmp(l->kind, "openvswitch") &&
	       l->ifindex != br->ifindex && !l->master;
}

static int is_tunnel(const struct vt_link *l)
{
	return !strcmp(l->kind, "vxlan") || !strcmp(l->kind, "geneve");
}

/*
 * A VXLAN or Geneve port of the VM's bridge, and the device its packets
 * leave the host by: the one it is bound to, else the route to its remote
 * (the default remote, or the first VTEP of its FDB).
 */
static void add_tunnel(struct resolver *r, const struct vt_link *tun)
{
	const struct vt_rtnl_view *v = r->host;
	const struct vt_link *under = NULL;
	const uint8_t *remote = tun->tun_family ? tun->tun_remote : NULL;
	int family = tun->tun_family;
	struct vt_route route;
	unsigned int i;

	add_elem(r, "", v, tun, VT_ROLE_TUNNEL);
	if (tun->tun_link)
		under = vt_link_by_index(v, tun->tun_link);
	for (i = 0; !under && !remote && i < v->nneigh; i++)
		if (v->neigh[i].family == AF_BRIDGE && v->neigh[i].ifindex == tun->ifindex &&
		    v->neigh[i].dst_family) {
			remote = v->neigh[i].addr;
			family = v->neigh[i].dst_family;
		}
	if (!under && remote) {
		vt_route_get(family, remote, &route);
		if (!route.error)
			under = vt_link_by_index(v, route.oif);
	}
	if (under && under->ifindex != tun->ifindex)
		add_elem(r, "", v, under, VT_ROLE_UNDERLAY);
}

/* From the VM's host-side NIC up through bridges and veth pairs. */
static void walk_host(struct resolver *r, int start)
{
	const struct vt_rtnl_view *v = r->host;
	int cur = start, depth;
	unsigned int i;

	for (depth = 0; depth < 4 && cur; depth++) {
		const struct vt_link *l = vt_link_by_index(v, cur), *br, *veth, *peer;

		if (!l || !l->master || !(br = vt_link_by_index(v, l->master)))
			return;
		add_elem(r, "", v, br, VT_ROLE_BRIDGE);
		veth = single_onward_veth(v, br, l->ifindex);
		peer = veth ? vt_link_by_index(v, veth->link) : NULL;
		if (peer && peer->master && peer->master != br->ifindex) {
			add_elem(r, "", v, veth, VT_ROLE_CHAIN);
			add_elem(r, "", v, peer, VT_ROLE_CHAIN);
			cur = peer->ifindex;
			continue;
		}
		/* the last bridge: its other ports are where the echo may go */
		for (i = 0; i < v->nlinks; i++) {
			if (is_ovs_internal(&v->links[i], br)) {
				add_elem(r, "", v, &v->links[i], VT_ROLE_NEIGHBOUR);
				continue;
			}
			if (v->links[i].master != br->ifindex)
				continue;
			if (is_tunnel(&v->links[i]))
				add_tunnel(r, &v->links[i]);
			else
				add_elem(r, "", v, &v->links[i], VT_ROLE_NEIGHBOUR);
		}
		return;
	}
}

static int add_host_port(struct resolver *r, const char *ifname)
{
	const struct vt_link *l = vt_link_by_name(r->host, ifname), *lower;

	if (!l)
		return -ENODEV;
	if (!add_elem(r, "", r->host, l, VT_ROLE_PORT))
		return -E2BIG;
	/*
	 * A macvtap or macvlan (libvirt's type='direct') hangs off a lower
	 * device instead of a bridge: its frames come and go through it.
	 */
	if (vt_link_is_macvlan(l) && l->link_netnsid < 0 &&
	    (lower = vt_link_by_index(r->host, l->link))) {
		add_elem(r, "", r->host, lower, VT_ROLE_LOWER);
		walk_host(r, lower->ifindex);
		return 0;
	}
	walk_host(r, l->ifindex);
	return 0;
}

/* Learn the VM's MACs from the FDB of its ports, its addresses from the neighbour table. */
static void learn_addrs(struct resolver *r)
{
	const struct vt_rtnl_view *v = r->host;
	unsigned int i, j, k;

	for (i = 0; i < r->vm->npath; i++) {
		const struct vt_path_elem *e = &r->vm->path[i];

		if (e->role != VT_ROLE_PORT || e->netns[0])
			continue;
		for (j = 0; j < v->nneigh; j++)
			if (v->neigh[j].family == AF_BRIDGE && v->neigh[j].ifindex == e->ifindex &&
			    v->neigh[j].master && !(v->neigh[j].state & NUD_PERMANENT))
				add_mac(r, v->neigh[j].mac);
	}
	for (k = 0; k < r->nmacs; k++)
		for (j = 0; j < v->nneigh; j++)
			if ((v->neigh[j].family == AF_INET || v->neigh[j].family == AF_INET6) &&
			    !memcmp(v->neigh[j].mac, r->macs[k], 6) &&
			    !(v->neigh[j].state & (NUD_FAILED | NUD_INCOMPLETE)) &&
			    !(v->neigh[j].family == AF_INET6 && v->neigh[j].addr[0] == 0xfe))
				add_addr(r->vm, v->neigh[j].family, v->neigh[j].addr);
}

/* netns:NAME -- every interface inside, and the host side of each veth. */
static int resolve_netns(struct resolver *r, const char *name, char *why, size_t whylen)
{
	struct vt_rtnl_view *inside;
	unsigned int i, j;
	int tok, fd, nsid, err;

	inside = calloc(1, sizeof(*inside));
	if (!inside)
		return -ENOMEM;
	tok = vt_netns_enter(name);
	if (tok < 0) {
		vt_rtnl_free(inside);
		free(inside);
		why_set(why, whylen, "netns (no network namespace '%s')", name, NULL);
		return tok;
	}
	err = vt_rtnl_load(inside);
	vt_netns_leave(tok);
	if (err)
		goto out;
	fd = vt_netns_open(name);
	nsid = fd >= 0 ? vt_rtnl_nsid_of(fd) : -1;
	if (fd >= 0)
		close(fd);
	for (i = 0; i < inside->nlinks; i++) {
		const struct vt_link *l = &inside->links[i];

		if (l->flags & IFF_LOOPBACK)
			continue;
		add_elem(r, name, inside, l, VT_ROLE_VM);
		for (j = 0; j < inside->naddrs; j++)
			if (inside->addrs[j].ifindex == l->ifindex && inside->addrs[j].scope == 0)
				add_addr(r->vm, inside->addrs[j].family, inside->addrs[j].addr);
		if (strcmp(l->kind, "veth") || nsid < 0)
			continue;
		for (j = 0; j < r->host->nlinks; j++) {
			const struct vt_link *h = &r->host->links[j];

			if (!strcmp(h->kind, "veth") && h->link_netnsid == nsid && h->link == l->ifindex) {
				add_elem(r, "", r->host, h, VT_ROLE_PORT);
				walk_host(r, h->ifindex);
			}
		}
	}
	snprintf(r->vm->name, sizeof(r->vm->name), "%s", name);
	strcpy(r->vm->source, "netns");
	if (r->vm->npath == 0) {
		why_set(why, whylen, "netns ('%s' has no interfaces)", name, NULL);
		err = -ENODEV;
	}
out:
	vt_rtnl_free(inside);
	free(inside);
	return err;
}

/* if:IFNAME or if:IFNAME@NETNS */
static int resolve_if(struct resolver *r, const char *spec, char *why, size_t whylen)
{
	char name[IF_NAMESIZE + 256], *at;
	int err;

	snprintf(name, sizeof(name), "%s", spec);
	at = strchr(name, '@');
	if (at) {
		struct vt_rtnl_view *v = calloc(1, sizeof(*v));
		const struct vt_link *l;
		int tok;

		*at++ = '\0';
		if (!v)
			return -ENOMEM;
		tok = vt_netns_enter(at);
		err = tok < 0 ? tok : vt_rtnl_load(v);
		vt_netns_leave(tok);
		l = err ? NULL : vt_link_by_name(v, name);
		if (l)
			add_elem(r, at, v, l, VT_ROLE_VM);
		vt_rtnl_free(v);
		free(v);
		if (!l) {
			why_set(why, whylen, "if (no interface '%s' in netns %s)", name, at);
			return -ENODEV;
		}
	} else {
		err = add_host_port(r, name);
		if (err) {
			why_set(why, whylen, "if (no interface '%s')", name, NULL);
			return err;
		}
	}
	snprintf(r->vm->name, sizeof(r->vm->name), "%s", spec);
	strcpy(r->vm->source, "if");
	learn_addrs(r);
	return 0;
}

/*
 * neutron:PORT-ID -- an OpenStack Neutron port: Nova's libvirt plugs it as
 * tap + the first 11 characters of the id (on qbr + the same for the
 * iptables hybrid plug, whose qvb/qvo veth pair leads to br-int), or as the
 * OVS port qvo... alone once the tap is gone.
 */
static int resolve_neutron(struct resolver *r, const char *id, char *why, size_t whylen)
{
	static const char *const prefixes[] = { "tap", "qvo" };
	char name[IF_NAMESIZE];
	unsigned int i;
	size_t n = strspn(id, "0123456789abcdefABCDEF-");

	if (n < 11 || id[n]) {
		why_set(why, whylen, "neutron ('%s' is not a port id)", id, NULL);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(name, sizeof(name), "%s%.11s", prefixes[i], id);
		if (!vt_link_by_name(r->host, name))
			continue;
		if (add_host_port(r, name))
			break;
		snprintf(r->vm->name, sizeof(r->vm->name), "%s", id);
		strcpy(r->vm->source, "neutron");
		learn_addrs(r);
		return 0;
	}
	snprintf(name, sizeof(name), "tap%.11s", id);
	why_set(why, whylen, "neutron (no %s or qvo... interface for port %s)", name, id);
	return -ENODEV;
}

/* ip:ADDR -- the port behind the address's MAC, or the namespace holding it. */
static int resolve_ip(struct resolver *r, const char *s, char *why, size_t whylen)
{
	const struct vt_rtnl_view *v = r->host;
	uint8_t addr[16] = { 0 };
	unsigned int i, j;
	int family;
	DIR *d;
	struct dirent *de;

	if (inet_pton(AF_INET, s, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, s, addr) == 1)
		family = AF_INET6;
	else {
		why_set(why, whylen, "ip ('%s' is not an address)", s, NULL);
		return -EINVAL;
	}
	for (i = 0; i < v->nneigh; i++) {
		const struct vt_neigh *n = &v->neigh[i];

		if (n->family != family || memcmp(n->addr, addr, vt_addr_len(family)) ||
		    (n->state & (NUD_FAILED | NUD_INCOMPLETE)))
			continue;
		for (j = 0; j < v->nneigh; j++) {
			const struct vt_neigh *f = &v->neigh[j];

			if (f->family == AF_BRIDGE && f->master == n->ifindex &&
			    !memcmp(f->mac, n->mac, 6) && !(f->state & NUD_PERMANENT)) {
				const struct vt_link *port = vt_link_by_index(v, f->ifindex);

				if (port && add_host_port(r, port->name) == 0)
					goto found;
			}
		}
	}
	/* A namespace on this host holding the address (containers, lab VMs). */
	d = opendir("/run/netns");
	while (d && (de = readdir(d))) {
		struct vt_rtnl_view *inside;
		int tok, hit = 0;

		if (de->d_name[0] == '.' || !(inside = calloc(1, sizeof(*inside))))
			continue;
		tok = vt_netns_enter(de->d_name);
		if (tok >= 0 && vt_rtnl_load(inside) == 0)
			for (i = 0; i < inside->naddrs; i++)
				if (inside->addrs[i].family == family &&
				    !memcmp(inside->addrs[i].addr, addr, vt_addr_len(family)))
					hit = 1;
		vt_netns_leave(tok);
		vt_rtnl_free(inside);
		free(inside);
		if (hit) {
			char name[256];
			int err;

			snprintf(name, sizeof(name), "%s", de->d_name);
			closedir(d);
			err = resolve_netns(r, name, why, whylen);
			if (!err) {
				strcpy(r->vm->source, "ip");
				snprintf(r->vm->name, sizeof(r->vm->name), "%s", s);
			}
			return err;
		}
	}
	if (d)
		closedir(d);
	why_set(why, whylen, "ip (no neighbour entry or namespace holds %s; ping it once from the host?)", s, NULL);
	return -ENOENT;
found:
	snprintf(r->vm->name, sizeof(r->vm->name), "%s", s);
	strcpy(r->vm->source, "ip");
	learn_addrs(r);
	add_addr(r->vm, family, addr);
	return 0;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

#define QEMU_MAX_TAPS	16

/* A QEMU process as /proc shows it. */
struct qemu_proc {
	char dir[300];			/* $VMTRACE_PROC_DIR/PID */
	char *buf;			/* its cmdline */
	char *argv[1024];
	int argc;
	unsigned int ntaps;
	char taps[QEMU_MAX_TAPS][IF_NAMESIZE];	/* the taps its tun fds are attached to */
};

/* Read /proc/PID/cmdline into NUL-separated args; returns the count. */
static int read_cmdline(struct qemu_proc *q, size_t len)
{
	char path[320];
	size_t n, i;
	FILE *f;

	q->argc = 0;
	snprintf(path, sizeof(path), "%s/cmdline", q->dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(q->buf, 1, len - 1, f);
	fclose(f);
	q->buf[n] = '\0';
	for (i = 0; i < n && q->argc < (int)(sizeof(q->argv) / sizeof(q->argv[0])); i += strlen(q->buf + i) + 1)
		q->argv[q->argc++] = q->buf + i;
	return q->argc;
}

static int is_qemu(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	return !strncmp(base, "qemu-system", 11) || !strcmp(base, "qemu-kvm") || !strcmp(base, "kvm");
}

static int trusted_uid(unsigned long uid)
{
	static const char *const users[] = { "libvirt-qemu", "qemu" };
	const struct passwd *pw;
	unsigned int i;

	if (uid == 0)
		return 1;
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		pw = getpwnam(users[i]);
		if (pw && pw->pw_uid == uid)
			return 1;
	}
	return 0;
}

/*
 * Does the process run as a user QEMU really runs as (root, libvirt-qemu,
 * qemu)? Any user may start a binary named qemu-system-x86_64. 1, or 0 with
 * the first untrusted uid in @uid (-1: no Uid: line).
 */
static int trusted_owner(const struct qemu_proc *q, long *uid)
{
	char path[320], *line = NULL;
	size_t cap = 0;
	int ok = 0;
	FILE *f;

	*uid = -1;
	snprintf(path, sizeof(path), "%s/status", q->dir);
	f = fopen(path, "re");
	while (f && getline(&line, &cap, f) > 0) {
		unsigned long ids[4];
		int n, i;

		if (strncmp(line, "Uid:", 4))
			continue;
		/* real, effective, saved, filesystem: every one must be trusted */
		n = sscanf(line + 4, "%lu %lu %lu %lu", &ids[0], &ids[1], &ids[2], &ids[3]);
		ok = n == 4;
		for (i = 0; ok && i < n; i++)
			if (!trusted_uid(ids[i])) {
				*uid = (long)ids[i];
				ok = 0;
			}
		break;
	}
	free(line);
	if (f)
		fclose(f);
	return ok;
}

/* The taps the process's tun fds are attached to: "iff:\tNAME" in /proc/PID/fdinfo/FD. */
static void read_taps(struct qemu_proc *q)
{
	char path[600], *line = NULL;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	q->ntaps = 0;
	snprintf(path, sizeof(path), "%s/fdinfo", q->dir);
	d = opendir(path);
	while (d && (de = readdir(d)) && q->ntaps < QEMU_MAX_TAPS) {
		FILE *f;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/fdinfo/%s", q->dir, de->d_name);
		f = fopen(path, "re");
		while (f && getline(&line, &cap, f) > 0) {
			size_t n;

			if (strncmp(line, "iff:\t", 5))
				continue;
			n = strcspn(line + 5, "\n");
			if (n > 0 && n < IF_NAMESIZE) {
				memcpy(q->taps[q->ntaps], line + 5, n);
				q->taps[q->ntaps++][n] = '\0';
			}
			break;
		}
		if (f)
			fclose(f);
	}
	free(line);
	if (d)
		closedir(d);
}

static int holds_tap(const struct qemu_proc *q, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < q->ntaps; i++)
		if (!strcmp(q->taps[i], ifname))
			return 1;
	return 0;
}

/* "-netdev tap,id=n0,ifname=tap0" -> "tap0"; "-name guest=web01,debug-threads=on" -> "web01" */
static int option_value(const char *opts, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	const char *p = opts;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			const char *v = p + klen + 1, *end = strchr(v, ',');
			size_t vlen = end ? (size_t)(end - v) : strlen(v);

			snprintf(out, len, "%.*s", (int)vlen, v);
			return 1;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6], i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* The VM's name: -name guest=NAME,... or -name NAME,... */
static void qemu_name(const struct qemu_proc *q, char *vmname, size_t len)
{
	int i;

	vmname[0] = '\0';
	for (i = 1; i + 1 < q->argc; i++)
		if (!strcmp(q->argv[i], "-name") && !option_value(q->argv[i + 1], "guest", vmname, len))
			snprintf(vmname, len, "%.*s", (int)strcspn(q->argv[i + 1], ","), q->argv[i + 1]);
}

/* "ifname": "tap0" in a JSON netdev: the string after @key, or 0. */
static int json_string(const char *json, const char *key, char *out, size_t len)
{
	const char *p = strstr(json, key), *end;

	if (!p)
		return 0;
	for (p += strlen(key); *p == ' ' || *p == ':'; p++)
		;
	if (*p++ != '"' || !(end = strchr(p, '"')))
		return 0;
	snprintf(out, len, "%.*s", (int)(end - p), p);
	return 1;
}

/*
 * The ifname= of a tap backend, in any form a manager writes it: -netdev
 * tap,ifname=X (and -net), -netdev type=tap,..., -nic tap,..., or libvirt's
 * JSON -netdev {"type":"tap","ifname":"X",...}. 1 with @ifname set, or 0.
 */
static int tap_ifname(const char *opt, const char *arg, char *ifname, size_t len)
{
	char type[16];

	if (strcmp(opt, "-netdev") && strcmp(opt, "-net") && strcmp(opt, "-nic"))
		return 0;
	if (arg[0] == '{')
		return json_string(arg, "\"type\"", type, sizeof(type)) && !strcmp(type, "tap") &&
		       json_string(arg, "\"ifname\"", ifname, len);
	if (strncmp(arg, "tap,", 4) && strcmp(arg, "tap") &&
	    !(option_value(arg, "type", type, sizeof(type)) && !strcmp(type, "tap")))
		return 0;
	return option_value(arg, "ifname", ifname, len);
}

/* The taps its fds hold (ifname= or fd=N alike); an ifname= no fd confirms is only noted. */
static void qemu_nics(struct resolver *r, const struct qemu_proc *q)
{
	char ifname[IF_NAMESIZE + 1], mac[32];
	unsigned int k;
	uint8_t m[6];
	int i;

	for (i = 1; i + 1 < q->argc; i++) {
		const char *opt = q->argv[i + 1];

		if (tap_ifname(q->argv[i], opt, ifname, sizeof(ifname)) && !holds_tap(q, ifname))
			snprintf(r->vm->note + strlen(r->vm->note), sizeof(r->vm->note) - strlen(r->vm->note),
				 "%signored ifname=%.16s: no fd of the process is that tap",
				 r->vm->note[0] ? "; " : "", ifname);
		if (!strcmp(q->argv[i], "-device") && option_value(opt, "mac", mac, sizeof(mac)) &&
		    !parse_mac(mac, m))
			add_mac(r, m);
	}
	for (k = 0; k < q->ntaps; k++)
		add_host_port(r, q->taps[k]);
}

/* qemu:NAME or pid:PID -- a QEMU process run by a user QEMU runs as, its -name and its taps. */
static int resolve_qemu(struct resolver *r, const char *name, const char *want_pid,
			char *why, size_t whylen)
{
	const char *proc = getenv("VMTRACE_PROC_DIR");
	const size_t buflen = 65536;
	char vmname[256], untrusted[128] = "";
	struct qemu_proc *q;
	struct dirent *de;
	int found = 0;
	long uid;
	DIR *d;

	if (!proc)
		proc = "/proc";
	q = calloc(1, sizeof(*q));
	if (q)
		q->buf = malloc(buflen);
	if (!q || !q->buf) {
		if (q)
			free(q);
		return -ENOMEM;
	}
	d = opendir(proc);
	while (d && !found && (de = readdir(d))) {
		if (!all_digits(de->d_name) || (want_pid && strcmp(de->d_name, want_pid)))
			continue;
		snprintf(q->dir, sizeof(q->dir), "%s/%s", proc, de->d_name);
		if (read_cmdline(q, buflen) < 1 || !is_qemu(q->argv[0]))
			continue;
		qemu_name(q, vmname, sizeof(vmname));
		if (name && strcmp(vmname, name))
			continue;
		if (!trusted_owner(q, &uid)) {
			snprintf(untrusted, sizeof(untrusted), "process %.20s runs as uid %ld, not as root, libvirt-qemu or qemu",
				 de->d_name, uid);
			continue;
		}
		found = 1;
		snprintf(r->vm->name, sizeof(r->vm->name), "%s", vmname[0] ? vmname : de->d_name);
		read_taps(q);
		qemu_nics(r, q);
	}
	if (d)
		closedir(d);
	free(q->buf);
	free(q);
	if (!found) {
		if (untrusted[0])
			why_set(why, whylen, "qemu (%s)", untrusted, NULL);
		else if (want_pid)
			why_set(why, whylen, "qemu (process %s is not QEMU)", want_pid, NULL);
		else
			why_set(why, whylen, "qemu (no QEMU process named '%s')", name, NULL);
		return -ENOENT;
	}
	strcpy(r->vm->source, "qemu");
	if (!r->vm->npath) {
		snprintf(why, whylen, "qemu (QEMU '%.200s' holds no tap on this host%s%.250s)", r->vm->name,
			 r->vm->note[0] ? ": " : "", r->vm->note);
		return -ENODEV;
	}
	learn_addrs(r);
	return 0;
}

/* "netN:" at the start of a Proxmox config line: N, with @rest after the colon; or -1. */
static int pve_net_index(const char *line, const char **rest)
{
	unsigned long n;
	char *end;

	if (strncmp(line, "net", 3) || !isdigit((unsigned char)line[3]))
		return -1;
	errno = 0;
	n = strtoul(line + 3, &end, 10);
	if (errno || *end != ':' || n > 255)
		return -1;
	*rest = end + 1;
	return (int)n;
}

/* ip=ADDR/LEN and ip6=ADDR/LEN of a config line's options (dhcp, auto, manual: none to learn) */
static void option_addrs(struct resolver *r, const char *v)
{
	char val[64];
	struct vt_addr a;

	memset(&a, 0, sizeof(a));
	if (option_value(v, "ip", val, sizeof(val))) {
		val[strcspn(val, "/")] = '\0';
		if (inet_pton(AF_INET, val, a.addr) == 1)
			add_addr(r->vm, AF_INET, a.addr);
	}
	if (option_value(v, "ip6", val, sizeof(val))) {
		val[strcspn(val, "/")] = '\0';
		if (inet_pton(AF_INET6, val, a.addr) == 1)
			add_addr(r->vm, AF_INET6, a.addr);
	}
}

/*
 * One line of VMID.conf: its name, a netN NIC (netN: virtio=BC:24:11:00:00:01,bridge=vmbr0), or
 * the cloud-init address of one (ipconfigN: ip=192.0.2.10/24,gw=192.0.2.1): the VM's address
 * even when it has been quiet and the host's neighbour table has forgotten it.
 */
static void pve_line(struct resolver *r, const char *vmid, const char *line)
{
	char ifname[IF_NAMESIZE + 16];
	const char *v, *eq;
	uint8_t m[6];
	int n;

	if (!strncmp(line, "ipconfig", 8) && isdigit((unsigned char)line[8]) && (v = strchr(line, ':'))) {
		for (v++; *v == ' '; v++)
			;
		option_addrs(r, v);
		return;
	}
	if (!strncmp(line, "name:", 5)) {
		for (v = line + 5; *v == ' '; v++)
			;
		snprintf(r->vm->name, sizeof(r->vm->name), "%.255s", v);
		return;
	}
	n = pve_net_index(line, &v);
	if (n < 0)
		return;
	eq = strchr(v, '=');
	if (eq && !parse_mac(eq + 1, m))
		add_mac(r, m);
	snprintf(ifname, sizeof(ifname), "tap%si%d", vmid, n);
	add_host_port(r, ifname);
}

/*
 * One line of a container's CTID.conf: its hostname, or a netN NIC
 * (netN: name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:02,ip=192.0.2.50/24,type=veth),
 * whose host side is vethCTIDiN.
 */
static void lxc_line(struct resolver *r, const char *ctid, const char *line)
{
	char ifname[IF_NAMESIZE + 16], val[64];
	const char *v;
	uint8_t m[6];
	int n;

	if (!strncmp(line, "hostname:", 9)) {
		for (v = line + 9; *v == ' '; v++)
			;
		snprintf(r->vm->name, sizeof(r->vm->name), "%.255s", v);
		return;
	}
	n = pve_net_index(line, &v);
	if (n < 0)
		return;
	while (*v == ' ')
		v++;
	if (option_value(v, "hwaddr", val, sizeof(val)) && !parse_mac(val, m))
		add_mac(r, m);
	option_addrs(r, v);
	snprintf(ifname, sizeof(ifname), "veth%si%d", ctid, n);
	add_host_port(r, ifname);
}

/*
 * Read DIR/KIND/ID.conf line by line (any length: a description is one '#'
 * line however long, written by whoever may edit the guest), up to its
 * snapshots; 0, or -ENOENT if there is no such file.
 */
static int pve_conf(struct resolver *r, const char *dir, const char *kind, const char *id,
		    void (*on_line)(struct resolver *r, const char *id, const char *line))
{
	char path[512], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s.conf", dir, kind, id);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (getline(&line, &cap, f) > 0) {
		if (line[0] == '[')	/* snapshots follow: not the running config */
			break;
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		on_line(r, id, line);
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * pve:ID -- a Proxmox VM (/etc/pve/qemu-server/ID.conf, its netN lines and
 * tapIDiN) or container (/etc/pve/lxc/ID.conf, vethIDiN): either way the
 * same firewall bridge chain (fwbrIDiN, fwlnIDiN/fwprIDpN) to vmbrN.
 */
static int resolve_pve(struct resolver *r, const char *vmid, char *why, size_t whylen)
{
	const char *dir = getenv("VMTRACE_PVE_DIR");
	char prefix[IF_NAMESIZE + 16];
	static const char *const kinds[] = { "tap", "veth" };
	unsigned int i, k;

	if (!dir)
		dir = "/etc/pve";
	snprintf(r->vm->name, sizeof(r->vm->name), "%s", vmid);
	strcpy(r->vm->source, "pve");
	if (pve_conf(r, dir, "qemu-server", vmid, pve_line) &&
	    pve_conf(r, dir, "lxc", vmid, lxc_line)) {
		/* no config here (not a Proxmox node, or not mounted): the device names still tell */
		for (k = 0; k < 2; k++) {
			snprintf(prefix, sizeof(prefix), "%s%si", kinds[k], vmid);
			for (i = 0; i < r->host->nlinks; i++)
				if (!strncmp(r->host->links[i].name, prefix, strlen(prefix)))
					add_host_port(r, r->host->links[i].name);
		}
	}
	if (!r->vm->npath) {
		snprintf(why, whylen, "pve (no %s/qemu-server/%s.conf, no %s/lxc/%s.conf, no tap%si* or veth%si* interface)",
			 dir, vmid, dir, vmid, vmid, vmid);
		return -ENOENT;
	}
	learn_addrs(r);
	return 0;
}

/* libvirt:NAME|UUID -- the domain's interface target devices. */
static int resolve_libvirt(struct resolver *r, const char *name, char *why, size_t whylen)
{
	struct vt_libvirt_dom d;
	unsigned int i;
	int err;

	err = vt_libvirt_lookup(name, &d, why, whylen);
	if (err)
		return err;
	snprintf(r->vm->name, sizeof(r->vm->name), "%s", d.name);
	strcpy(r->vm->source, "libvirt");
	for (i = 0; i < d.nifs; i++)
		add_host_port(r, d.ifs[i]);
	for (i = 0; i < d.nmacs; i++)
		add_mac(r, d.macs[i]);
	for (i = 0; i < d.naddrs; i++)
		add_addr(r->vm, d.addrs[i].family, d.addrs[i].addr);
	if (!r->vm->npath) {
		snprintf(why, whylen, "libvirt (domain '%.200s': its interfaces are not on this host)", d.name);
		return -ENODEV;
	}
	learn_addrs(r);
	return 0;
}

static int dispatch(struct resolver *r, const char *spec, char *why, size_t whylen)
{
	char tried[1024] = "", one[512];
	static const char *const order[] = { "libvirt", "qemu", "netns", "if", "ip" };
	unsigned int i;
	int err;

	if (!strncmp(spec, "pve:", 4))
		return all_digits(spec + 4) ? resolve_pve(r, spec + 4, why, whylen) :
			(why_set(why, whylen, "pve ('%s' is not a VMID)", spec + 4, NULL), -EINVAL);
	if (!strncmp(spec, "libvirt:", 8))
		return resolve_libvirt(r, spec + 8, why, whylen);
	if (!strncmp(spec, "qemu:", 5))
		return resolve_qemu(r, spec + 5, NULL, why, whylen);
	if (!strncmp(spec, "pid:", 4))
		return all_digits(spec + 4) ? resolve_qemu(r, NULL, spec + 4, why, whylen) :
			(why_set(why, whylen, "pid ('%s' is not a PID)", spec + 4, NULL), -EINVAL);
	if (!strncmp(spec, "netns:", 6))
		return resolve_netns(r, spec + 6, why, whylen);
	if (!strncmp(spec, "if:", 3))
		return resolve_if(r, spec + 3, why, whylen);
	if (!strncmp(spec, "ip:", 3))
		return resolve_ip(r, spec + 3, why, whylen);
	if (!strncmp(spec, "neutron:", 8))
		return resolve_neutron(r, spec + 8, why, whylen);
	if (strchr(spec, ':') && !strchr(spec, '.') && inet_pton(AF_INET6, spec, one) != 1) {
		why_set(why, whylen, "unknown prefix in '%s' (libvirt:, pve:, qemu:, pid:, netns:, if:, ip:, neutron:)", spec, NULL);
		return -EINVAL;
	}
	if (all_digits(spec))
		return resolve_pve(r, spec, why, whylen);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		memset(r->vm, 0, sizeof(*r->vm));
		r->nmacs = 0;
		if (!strcmp(order[i], "libvirt"))
			err = resolve_libvirt(r, spec, one, sizeof(one));
		else if (!strcmp(order[i], "qemu"))
			err = resolve_qemu(r, spec, NULL, one, sizeof(one));
		else if (!strcmp(order[i], "netns"))
			err = resolve_netns(r, spec, one, sizeof(one));
		else if (!strcmp(order[i], "if"))
			err = resolve_if(r, spec, one, sizeof(one));
		else
			err = resolve_ip(r, spec, one, sizeof(one));
		if (!err)
			return 0;
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
			 tried[0] ? ", " : "", one);
	}
	snprintf(why, whylen, "tried %s", tried);
	return -ENOENT;
}

int vt_vm_resolve(const char *spec, struct vt_vm *vm, char *why, size_t whylen)
{
	struct resolver r = { .vm = vm };
	int err;

	memset(vm, 0, sizeof(*vm));
	why[0] = '\0';
	r.host = calloc(1, sizeof(*r.host));
	if (!r.host)
		return -ENOMEM;
	err = vt_rtnl_load(r.host);
	if (err) {
		snprintf(why, whylen, "cannot read the host's interfaces: %s", strerror(-err));
	} else {
		err = dispatch(&r, spec, why, whylen);
	}
	vt_rtnl_free(r.host);
	free(r.host);
	return err;
}
