// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel keys interfaces by (netns cookie, ifindex). A cookie is only
 * readable from a socket inside the namespace, so resolution enters the
 * namespace, asks, and comes back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

#define NETNS_RUN_DIR "/run/netns"

int vt_netns_open(const char *name)
{
	char path[512];
	int fd;

	if (!name || !*name) {
		fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	} else {
		if (strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
			return -EINVAL;
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

int vt_netns_enter(const char *name)
{
	int self, target, err = 0;

	self = vt_netns_open(NULL);
	if (self < 0)
		return -errno;
	if (!name || !*name)
		return self;
	target = vt_netns_open(name);
	if (target < 0) {
		err = target == -EINVAL ? -EINVAL : -ENOENT;
	} else {
		if (setns(target, CLONE_NEWNET))
			err = -errno;
		close(target);
	}
	if (err) {
		close(self);
		return err;
	}
	return self;
}

int vt_netns_leave(int token)
{
	int err = 0;

	if (token < 0)
		return 0;
	if (setns(token, CLONE_NEWNET))
		err = -errno;
	close(token);
	return err;
}

static int lookup_here(const char *ifname, struct vt_iface *out)
{
	socklen_t len = sizeof(out->netns_cookie);
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &out->netns_cookie, &len))
		err = -errno;
	close(fd);
	if (err == -ENOPROTOOPT) {
		/* before 5.14 the module keys namespaces by inode number too */
		struct stat st;

		if (stat("/proc/self/ns/net", &st))
			return -errno;
		out->netns_cookie = st.st_ino;
		err = 0;
	}
	if (err)
		return err;
	out->ifindex = (int)if_nametoindex(ifname);
	return out->ifindex ? 0 : -ENODEV;
}

int vt_iface_resolve(const char *netns, const char *ifname, struct vt_iface *out)
{
	int self = -1, target = -1, err;
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE)
		return -EINVAL;

	target = vt_netns_open(netns);
	if (target < 0)
		return target == -EINVAL ? -EINVAL : -ENOENT;
	if (fstat(target, &st)) {
		err = -errno;
		goto out;
	}
	out->netns_inum = (uint32_t)st.st_ino;
	if (!netns || !*netns) {
		err = lookup_here(ifname, out);
		goto out;
	}
	self = vt_netns_open(NULL);
	if (self < 0 || setns(target, CLONE_NEWNET)) {
		err = -errno;
		goto out;
	}
	err = lookup_here(ifname, out);
	if (setns(self, CLONE_NEWNET) && !err)
		err = -errno;
out:
	if (self >= 0)
		close(self);
	close(target);
	return err;
}

static void add_name(struct vt_netns_names *names, const char *path, const char *name)
{
	struct stat st;

	if (names->n == VT_NETNS_NAMES_MAX || stat(path, &st))
		return;
	names->e[names->n].inum = (uint32_t)st.st_ino;
	snprintf(names->e[names->n].name, sizeof(names->e[0].name), "%s", name);
	names->n++;
}

void vt_netns_names_load(struct vt_netns_names *names)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	names->n = 0;
	add_name(names, "/proc/1/ns/net", "host");
	d = opendir(NETNS_RUN_DIR);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", de->d_name);
		add_name(names, path, de->d_name);
	}
	closedir(d);
}

const char *vt_netns_name(const struct vt_netns_names *names, uint32_t inum)
{
	unsigned int i;

	for (i = 0; i < names->n; i++)
		if (names->e[i].inum == inum)
			return names->e[i].name;
	return "";
}
