// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver against a fake host: rtnetlink dumps, namespaces and libvirt are
 * replaced by the tables below, Proxmox's configuration and /proc by
 * files in a temporary directory (VMTRACE_PVE_DIR, VMTRACE_PROC_DIR).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../userspace/libvirt.h"
#include "../../userspace/netns.h"
#include "../../userspace/resolve.h"
#include "../../userspace/rtnl.h"

#include "check.h"

/*
 * The host's links: taps of VMs 101 to 104, one a tenant made, veths of
 * containers 200 and 201; VM 105's tap on ovbr, a bridge with a VXLAN port
 * whose remote is reached through ul0.
 */
static const char *const host_links[] = {
	"tap101i0", "tap101i5", "tap102i0", "tap103i0", "tap103i1", "tap104i0", "tap666",
	"veth200i0", "veth200i1", "veth201i0", "tap105i0", "ovbr", "vxlan0", "ul0",
	"tapa1b2c3d4-e5", "qvof9e8d7c6-b5",
};
#define NLINKS (sizeof(host_links) / sizeof(host_links[0]))

int vt_rtnl_load(struct vt_rtnl_view *v)
{
	unsigned int i;

	vt_rtnl_free(v);
	v->links = calloc(NLINKS, sizeof(*v->links));
	if (!v->links)
		return -ENOMEM;
	for (i = 0; i < NLINKS; i++) {
		v->links[i].ifindex = (int)i + 10;
		v->links[i].link_netnsid = -1;
		snprintf(v->links[i].name, sizeof(v->links[i].name), "%s", host_links[i]);
		snprintf(v->links[i].kind, sizeof(v->links[i].kind), "%s",
			 strncmp(host_links[i], "veth", 4) ? "tun" : "veth");
	}
	v->nlinks = v->links_cap = NLINKS;
	v->links[10].master = v->links[12].master = v->links[11].ifindex;
	snprintf(v->links[11].kind, sizeof(v->links[11].kind), "bridge");
	snprintf(v->links[12].kind, sizeof(v->links[12].kind), "vxlan");
	v->links[12].tun_family = AF_INET;
	memcpy(v->links[12].tun_remote, "\xc6\x33\x64\x02", 4);	/* 198.51.100.2 */
	return 0;
}

/* ip route get: the underlay's remote through ul0, nothing else. */
void vt_route_get(int family, const uint8_t *dst, struct vt_route *r)
{
	memset(r, 0, sizeof(*r));
	if (family == AF_INET && !memcmp(dst, "\xc6\x33\x64\x02", 4))
		r->oif = 23;
	else
		r->error = -ENETUNREACH;
}

int vt_rtnl_nsid_of(int netns_fd)
{
	(void)netns_fd;
	return -1;
}

int vt_iface_resolve(const char *netns, const char *ifname, struct vt_iface *out)
{
	(void)netns;
	(void)ifname;
	memset(out, 0, sizeof(*out));
	out->netns_cookie = 1;
	return 0;
}

int vt_netns_enter(const char *name)
{
	(void)name;
	return -ENOENT;
}

int vt_netns_leave(int token)
{
	(void)token;
	return 0;
}

int vt_netns_open(const char *name)
{
	(void)name;
	return -ENOENT;
}

int vt_libvirt_lookup(const char *name, struct vt_libvirt_dom *d, char *why, size_t whylen)
{
	(void)name;
	(void)d;
	snprintf(why, whylen, "libvirt (not on this host)");
	return -ENOSYS;
}

static char tmp[] = "/tmp/vmtrace-resolve.XXXXXX";

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* The path's ifnames, space-separated. */
static void path_names(const struct vt_vm *vm, char *buf, size_t len)
{
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < vm->npath; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "", vm->path[i].ifname);
}

/* OpenStack: a Neutron port id names its tap (or, tap gone, its qvo) by the id's first 11 characters. */
static void test_neutron(void)
{
	char names[256], why[512];
	struct vt_vm vm;
	int err;

	err = vt_vm_resolve("neutron:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	CHECK(!err && !strcmp(vm.source, "neutron") && !strcmp(vm.name, "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d") &&
	      !strncmp(names, "tapa1b2c3d4-e5", 14), "a Neutron port's tap: err %d path '%s' (%s)", err, names, why);
	err = vt_vm_resolve("neutron:f9e8d7c6-b5a4-4321-8765-0123456789ab", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	CHECK(!err && !strncmp(names, "qvof9e8d7c6-b5", 14), "its qvo when the tap is gone: err %d path '%s'", err,
	      names);
	err = vt_vm_resolve("neutron:web01", &vm, why, sizeof(why));
	CHECK(err == -EINVAL && strstr(why, "'web01' is not a port id"), "not an id: err %d (%s)", err, why);
	err = vt_vm_resolve("neutron:00000000-0000-0000-0000-000000000000", &vm, why, sizeof(why));
	CHECK(err == -ENODEV && strstr(why, "no tap00000000-00 or qvo"), "no such port: err %d (%s)", err, why);
}

/*
 * A description is one '#' line, as long as the user wrote it: 5000 bytes
 * with "net5 x" and "name: evil" where a 1024-byte read would cut it.
 */
static void test_pve(void)
{
	char dir[256], path[300], names[256], why[512];
	static char conf[8192];
	struct vt_vm vm;
	size_t n = 0;
	int err;

	snprintf(dir, sizeof(dir), "%s/pve/qemu-server", tmp);
	snprintf(path, sizeof(path), "%s/pve", tmp);
	if (mkdir(path, 0700) || mkdir(dir, 0700)) {
		perror(dir);
		exit(1);
	}
	conf[n++] = '#';
	memset(conf + n, 'a', 1022 - n);
	n = 1022;
	n += (size_t)sprintf(conf + n, "net5 x");
	memset(conf + n, 'b', 2044 - n);
	n = 2044;
	n += (size_t)sprintf(conf + n, "name: evil");
	memset(conf + n, 'c', 5000 - n);
	n = 5000;
	n += (size_t)sprintf(conf + n,
			     "\nboot: order=scsi0\nname: web01\n"
			     "ipconfig0: ip=192.0.2.10/24,gw=192.0.2.1,ip6=2001:db8::10/64\nipconfig1: ip=dhcp,ip6=auto\n"
			     "net0: virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1\n"
			     "netx: virtio=BC:24:11:00:00:02\nnet3x: e1000\nnet4 virtio\n"
			     "[snap1]\nnet5: virtio=BC:24:11:00:00:05\nname: old\n");
	snprintf(path, sizeof(path), "%s/101.conf", dir);
	write_file(path, conf, n);
	snprintf(path, sizeof(path), "%s/pve", tmp);
	setenv("VMTRACE_PVE_DIR", path, 1);

	err = vt_vm_resolve("pve:101", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	CHECK(!err && !strcmp(vm.name, "web01") && !strcmp(vm.source, "pve") && !strcmp(names, "tap101i0"),
	      "pve:101 with a 5000-byte description: err %d name '%s' path '%s' (%s)", err, vm.name,
	      names, why);
	{
		char a4[INET6_ADDRSTRLEN] = "", a6[INET6_ADDRSTRLEN] = "";

		for (unsigned int i = 0; i < vm.naddrs; i++)
			inet_ntop(vm.addrs[i].family, vm.addrs[i].addr, vm.addrs[i].family == AF_INET ? a4 : a6,
				  sizeof(a4));
		CHECK(!strcmp(a4, "192.0.2.10") && !strcmp(a6, "2001:db8::10"),
		      "cloud-init's ipconfig0 gives the addresses (not dhcp/auto): '%s' '%s' of %u", a4, a6,
		      vm.naddrs);
	}
	err = vt_vm_resolve("pve:102", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	CHECK(!err && !strcmp(vm.name, "102") && !strcmp(names, "tap102i0"),
	      "pve:102 without a config: the tap names: err %d path '%s'", err, names);
	unsetenv("VMTRACE_PVE_DIR");
}

/* A Proxmox container: lxc/CTID.conf, its hostname, addresses and vethCTIDiN. */
static void test_pve_lxc(void)
{
	static const char conf[] =
		"#a description\narch: amd64\nhostname: ct200\nmemory: 512\n"
		"net0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:02:00,ip=192.0.2.50/24,"
		"ip6=2001:db8::50/64,type=veth\n"
		"net1: name=eth1,bridge=vmbr1,hwaddr=BC:24:11:00:02:01,ip=dhcp,type=veth\n"
		"rootfs: local-lvm:vm-200-disk-0,size=8G\n"
		"[vzdump]\nhostname: old\nnet2: name=eth2,bridge=vmbr2,type=veth\n";
	char dir[256], path[300], names[256], why[512], a[64];
	struct vt_vm vm;
	int err;

	snprintf(dir, sizeof(dir), "%s/pve/lxc", tmp);
	if (mkdir(dir, 0700)) {
		perror(dir);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/200.conf", dir);
	write_file(path, conf, sizeof(conf) - 1);
	snprintf(path, sizeof(path), "%s/pve", tmp);
	setenv("VMTRACE_PVE_DIR", path, 1);

	err = vt_vm_resolve("pve:200", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	a[0] = '\0';
	if (!err && vm.naddrs == 2)
		snprintf(a, sizeof(a), "%u.%u.%u.%u %02x%02x", vm.addrs[0].addr[0], vm.addrs[0].addr[1],
			 vm.addrs[0].addr[2], vm.addrs[0].addr[3], vm.addrs[1].addr[0], vm.addrs[1].addr[1]);
	CHECK(!err && !strcmp(vm.name, "ct200") && !strcmp(vm.source, "pve") &&
	      !strcmp(names, "veth200i0 veth200i1") && !strcmp(a, "192.0.2.50 2001"),
	      "pve:200, a container: err %d name '%s' path '%s' addrs '%s' (%s)", err, vm.name, names, a, why);
	err = vt_vm_resolve("201", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	CHECK(!err && !strcmp(names, "veth201i0"), "201 without a config: the veth names: err %d path '%s'",
	      err, names);
	err = vt_vm_resolve("pve:299", &vm, why, sizeof(why));
	CHECK(err == -ENOENT && strstr(why, "lxc/299.conf") && strstr(why, "veth299i*"),
	      "pve:299: nothing: err %d (%s)", err, why);
	unsetenv("VMTRACE_PVE_DIR");
}

/* A fake /proc/PID: cmdline (argv NUL-separated), status with its Uid: line, tun fds' fdinfo. */
static void fake_proc(const char *pid, unsigned int uid, const char *const *argv,
		      const char *const *fd_taps)
{
	char path[400], buf[1024];
	size_t n = 0;
	int i;

	snprintf(path, sizeof(path), "%s/proc/%s", tmp, pid);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/proc/%s/fdinfo", tmp, pid);
	mkdir(path, 0700);
	for (i = 0; argv[i]; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", argv[i]) + 1;
	snprintf(path, sizeof(path), "%s/proc/%s/cmdline", tmp, pid);
	write_file(path, buf, n);
	n = (size_t)snprintf(buf, sizeof(buf), "Name:\tqemu-system-x86\nUmask:\t0022\nState:\tS (sleeping)\n"
			     "Uid:\t%u\t%u\t%u\t%u\nGid:\t0\t0\t0\t0\n", uid, uid, uid, uid);
	snprintf(path, sizeof(path), "%s/proc/%s/status", tmp, pid);
	write_file(path, buf, n);
	/* fd 0: not a tun; then one tun fd a tap */
	n = (size_t)snprintf(buf, sizeof(buf), "pos:\t0\nflags:\t0100002\nmnt_id:\t25\nino:\t4\n");
	snprintf(path, sizeof(path), "%s/proc/%s/fdinfo/0", tmp, pid);
	write_file(path, buf, n);
	for (i = 0; fd_taps[i]; i++) {
		n = (size_t)snprintf(buf, sizeof(buf), "pos:\t0\nflags:\t0104002\nmnt_id:\t25\nino:\t1061\n"
				     "iff:\t%s\n", fd_taps[i]);
		snprintf(path, sizeof(path), "%s/proc/%s/fdinfo/%d", tmp, pid, 30 + i);
		write_file(path, buf, n);
	}
}

static void test_qemu(void)
{
	static const char *const web02[] = {
		"/usr/bin/qemu-system-x86_64", "-name", "guest=web02,debug-threads=on",
		"-netdev", "tap,id=n0,ifname=tap102i0,script=no", NULL };
	static const char *const spoof[] = {
		"./qemu-system-x86_64", "-name", "web02", "-netdev", "tap,id=n0,ifname=tap666", NULL };
	static const char *const by_fd[] = {
		"/usr/bin/kvm", "-id", "103", "-name", "web03,debug-threads=on",
		"-netdev", "type=tap,id=net0,fd=30", "-netdev", "tap,id=net1,fd=31", NULL };
	static const char *const unconfirmed[] = {
		"qemu-system-x86_64", "-name", "web04", "-netdev", "tap,id=n0,ifname=tap104i0",
		"-netdev", "tap,id=n1,fd=30", NULL };
	static const char *const lying[] = {
		"qemu-system-x86_64", "-name", "web05", "-netdev", "tap,id=n0,ifname=tap101i0", NULL };
	/* the forms managers write, none of whose taps a fd holds */
	static const char *const forms[] = {
		"qemu-system-x86_64", "-name", "web06", "-nic", "tap,ifname=tapnic,model=virtio",
		"-netdev", "type=tap,id=n1,ifname=taptype", "-netdev",
		"{\"type\":\"tap\",\"fd\":\"31\",\"id\":\"hostnet0\",\"ifname\": \"tapjson\"}",
		"-netdev", "{\"type\":\"user\",\"id\":\"u0\",\"ifname\":\"notatap\"}",
		"-netdev", "user,id=u1,ifname=notatap2", NULL };
	static const char *const t102[] = { "tap102i0", NULL }, *const t666[] = { "tap666", NULL };
	static const char *const t103[] = { "tap103i0", "tap103i1", NULL };
	static const char *const t103b[] = { "tap103i1", NULL }, *const none[] = { NULL };
	char path[300], names[256], why[512];
	struct vt_vm vm;
	int err;

	snprintf(path, sizeof(path), "%s/proc", tmp);
	mkdir(path, 0700);
	fake_proc("2000", 1000, spoof, t666);
	fake_proc("1000", 0, web02, t102);
	fake_proc("3000", 0, by_fd, t103);
	fake_proc("4000", 0, unconfirmed, t103b);
	fake_proc("5000", 0, lying, none);
	fake_proc("6000", 0, forms, none);
	setenv("VMTRACE_PROC_DIR", path, 1);

	err = vt_vm_resolve("qemu:web02", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	CHECK(!err && !strcmp(vm.name, "web02") && !strcmp(names, "tap102i0") && !vm.note[0],
	      "qemu:web02 is root's, not the user's of the same name: err %d path '%s' (%s)", err, names, why);
	err = vt_vm_resolve("pid:2000", &vm, why, sizeof(why));
	CHECK(err == -ENOENT && strstr(why, "uid 1000"),
	      "a qemu-system binary run by uid 1000 is not trusted: err %d (%s)", err, why);
	err = vt_vm_resolve("pid:3000", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	CHECK(!err && !strcmp(vm.name, "web03") && !strcmp(names, "tap103i0 tap103i1"),
	      "taps passed as fd=N, found through fdinfo: err %d path '%s' (%s)", err, names, why);
	err = vt_vm_resolve("pid:4000", &vm, why, sizeof(why));
	path_names(&vm, names, sizeof(names));
	CHECK(!err && !strcmp(names, "tap103i1") && strstr(vm.note, "ignored ifname=tap104i0"),
	      "an ifname= no fd holds is left out and noted: err %d path '%s' note '%s'", err, names,
	      vm.note);
	err = vt_vm_resolve("qemu:web05", &vm, why, sizeof(why));
	CHECK(err == -ENODEV && strstr(why, "ignored ifname=tap101i0"),
	      "only an unconfirmed ifname=: not resolved, and why: err %d (%s)", err, why);
	err = vt_vm_resolve("qemu:web06", &vm, why, sizeof(why));
	CHECK(err == -ENODEV && strstr(why, "ignored ifname=tapnic") && strstr(why, "ignored ifname=taptype") &&
	      strstr(why, "ignored ifname=tapjson") && !strstr(why, "notatap"),
	      "-nic tap, -netdev type=tap and JSON -netdev read, user netdevs not: err %d (%s)", err, why);
	unsetenv("VMTRACE_PROC_DIR");
}

/* A VXLAN port of the VM's bridge is a tunnel, and the device to its remote the underlay. */
static void test_tunnel(void)
{
	static const char *const roles[] = { "port", "bridge", "tunnel", "underlay" };
	struct vt_vm vm;
	char why[256], names[256];
	unsigned int i;
	int ok;

	ok = vt_vm_resolve("if:tap105i0", &vm, why, sizeof(why)) == 0;
	path_names(&vm, names, sizeof(names));
	CHECK(ok && !strcmp(names, "tap105i0 ovbr vxlan0 ul0"), "VM 105's path: %s (%s)", names, why);
	for (i = 0; ok && i < vm.npath && i < 4; i++)
		CHECK(!strcmp(vt_role_name(vm.path[i].role), roles[i]), "%s is the %s, not the %s",
		      vm.path[i].ifname, vt_role_name(vm.path[i].role), roles[i]);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(tmp)) {
		perror(tmp);
		return 1;
	}
	test_pve();
	test_pve_lxc();
	test_neutron();
	test_qemu();
	test_tunnel();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd))
		printf("could not remove %s\n", tmp);
	printf("resolve: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
