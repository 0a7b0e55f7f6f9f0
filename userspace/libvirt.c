// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt, loaded with dlopen() so that the CLI does not depend on it.
 * Each entry point's type is taken from libvirt's own header, so the
 * compiler checks every call against the real prototype.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "libvirt.h"

struct lv {
	void *so;
	__typeof__(virConnectOpenReadOnly) *open_ro;
	__typeof__(virConnectClose) *close;
	__typeof__(virDomainLookupByName) *by_name;
	__typeof__(virDomainLookupByUUIDString) *by_uuid;
	__typeof__(virDomainGetXMLDesc) *xml_desc;
	__typeof__(virDomainGetName) *get_name;
	__typeof__(virDomainFree) *free_dom;
	__typeof__(virDomainInterfaceAddresses) *if_addrs;
	__typeof__(virDomainInterfaceFree) *if_free;
	__typeof__(virSetErrorFunc) *set_error_func;
	__typeof__(virGetLastErrorMessage) *last_error;
};

static int lv_load(struct lv *lv)
{
	memset(lv, 0, sizeof(*lv));
	lv->so = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!lv->so)
		return -ENOSYS;
#define SYM(field, name) (lv->field = (__typeof__(lv->field))dlsym(lv->so, name))
	if (!SYM(open_ro, "virConnectOpenReadOnly") || !SYM(close, "virConnectClose") ||
	    !SYM(by_name, "virDomainLookupByName") || !SYM(by_uuid, "virDomainLookupByUUIDString") ||
	    !SYM(xml_desc, "virDomainGetXMLDesc") || !SYM(get_name, "virDomainGetName") ||
	    !SYM(free_dom, "virDomainFree") || !SYM(set_error_func, "virSetErrorFunc") ||
	    !SYM(last_error, "virGetLastErrorMessage")) {
		dlclose(lv->so);
		return -ENOSYS;
	}
	/* optional: addresses from DHCP leases (libvirt >= 1.2.14) */
	SYM(if_addrs, "virDomainInterfaceAddresses");
	SYM(if_free, "virDomainInterfaceFree");
#undef SYM
	return 0;
}

static void quiet(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

/* The value of attr='...' or attr="..." inside [p, end). */
static int attr_value(const char *p, const char *end, const char *attr, char *out, size_t len)
{
	size_t alen = strlen(attr);
	const char *v, *q;

	for (; p && p < end; p++) {
		if (strncmp(p, attr, alen) || p[alen] != '=' || (p[alen + 1] != '\'' && p[alen + 1] != '"'))
			continue;
		v = p + alen + 2;
		q = memchr(v, p[alen + 1], (size_t)(end - v));
		if (!q)
			return 0;
		snprintf(out, len, "%.*s", (int)(q - v), v);
		return 1;
	}
	return 0;
}

static const char *element(const char *p, const char *end, const char *tag)
{
	size_t n = strlen(tag);

	for (; p && p < end; p++)
		if (p[0] == '<' && !strncmp(p + 1, tag, n) && (p[n + 1] == ' ' || p[n + 1] == '/' || p[n + 1] == '>'))
			return p;
	return NULL;
}

/* Each <interface>: its <target dev=...> and <mac address=...>. */
static void parse_interfaces(const char *xml, struct vt_libvirt_dom *d)
{
	const char *p = xml, *end = xml + strlen(xml), *iend, *e;
	char buf[64];

	while ((p = element(p, end, "interface"))) {
		iend = strstr(p, "</interface>");
		if (!iend)
			break;
		e = element(p, iend, "target");
		if (e && d->nifs < VT_LIBVIRT_MAX &&
		    attr_value(e, iend, "dev", d->ifs[d->nifs], sizeof(d->ifs[0])))
			d->nifs++;
		e = element(p, iend, "mac");
		if (e && d->nmacs < VT_LIBVIRT_MAX && attr_value(e, iend, "address", buf, sizeof(buf))) {
			unsigned int b[6], i;

			if (sscanf(buf, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) == 6) {
				for (i = 0; i < 6; i++)
					d->macs[d->nmacs][i] = (uint8_t)b[i];
				d->nmacs++;
			}
		}
		p = iend;
	}
}

static void lease_addrs(const struct lv *lv, virDomainPtr dom, struct vt_libvirt_dom *d)
{
	virDomainInterfacePtr *ifs = NULL;
	int n, i, j;

	if (!lv->if_addrs || !lv->if_free)
		return;
	n = lv->if_addrs(dom, &ifs, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, 0);
	for (i = 0; i < n; i++) {
		for (j = 0; j < (int)ifs[i]->naddrs && d->naddrs < VT_LIBVIRT_MAX; j++) {
			int fam = ifs[i]->addrs[j].type == VIR_IP_ADDR_TYPE_IPV4 ? AF_INET : AF_INET6;

			if (inet_pton(fam, ifs[i]->addrs[j].addr, d->addrs[d->naddrs].addr) == 1)
				d->addrs[d->naddrs++].family = fam;
		}
		lv->if_free(ifs[i]);
	}
	free(ifs);
}

int vt_libvirt_lookup(const char *name, struct vt_libvirt_dom *d, char *why, size_t whylen)
{
	const char *uri = getenv("LIBVIRT_DEFAULT_URI");
	virConnectPtr conn;
	virDomainPtr dom;
	struct lv lv;
	char *xml;
	int err;

	memset(d, 0, sizeof(*d));
	err = lv_load(&lv);
	if (err) {
		snprintf(why, whylen, "libvirt (libvirt.so.0 is not installed)");
		return err;
	}
	lv.set_error_func(NULL, quiet);
	if (!uri)
		uri = "qemu:///system";
	conn = lv.open_ro(uri);
	if (!conn) {
		snprintf(why, whylen, "libvirt (cannot connect to %s: %.200s)", uri, lv.last_error());
		dlclose(lv.so);
		return -ECONNREFUSED;
	}
	dom = strlen(name) == 36 ? lv.by_uuid(conn, name) : NULL;
	if (!dom)
		dom = lv.by_name(conn, name);
	if (!dom) {
		snprintf(why, whylen, "libvirt (no domain '%.200s' on %s)", name, uri);
		err = -ENOENT;
		goto out;
	}
	snprintf(d->name, sizeof(d->name), "%s", lv.get_name(dom));
	/* the live XML: only a running domain's interfaces have target devices */
	xml = lv.xml_desc(dom, 0);
	if (xml) {
		parse_interfaces(xml, d);
		free(xml);
	}
	lease_addrs(&lv, dom, d);
	lv.free_dom(dom);
	if (!d->nifs) {
		snprintf(why, whylen, "libvirt (domain '%.200s' has no interface with a target device: not running?)",
			 name);
		err = -ENODEV;
	}
out:
	lv.close(conn);
	dlclose(lv.so);
	return err;
}
