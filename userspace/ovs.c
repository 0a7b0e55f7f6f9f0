// SPDX-License-Identifier: GPL-2.0
/*
 * Open vSwitch's view of a port and of one packet, read as ovs-appctl and
 * ovs-vsctl read it: JSON-RPC on the daemons' Unix sockets, each answer
 * within two seconds. Nothing is changed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ovs.h"

#define REPLY_MAX	(4u << 20)	/* dpif/show of a host with thousands of ports fits */
#define RPC_MS		2000	/* one whole request and reply */

static const char *rundir(void)
{
	const char *d = getenv("OVS_RUNDIR");

	return d && *d ? d : "/var/run/openvswitch";
}

/* Where a scan of one JSON value stands, so that each chunk read is scanned once. */
struct json_scan {
	size_t pos;
	int depth, in_str, esc;
};

/* Scan @buf up to @len on from where @js stopped: 1 once the value that starts it is whole. */
static int json_whole(struct json_scan *js, const char *buf, size_t len)
{
	for (; js->pos < len; js->pos++) {
		char ch = buf[js->pos];

		if (js->in_str) {
			if (js->esc)
				js->esc = 0;
			else if (ch == '\\')
				js->esc = 1;
			else if (ch == '"')
				js->in_str = 0;
			continue;
		}
		if (ch == '"')
			js->in_str = 1;
		else if (ch == '{' || ch == '[')
			js->depth++;
		else if ((ch == '}' || ch == ']') && --js->depth == 0) {
			js->pos++;
			return 1;
		}
	}
	return 0;
}

/* -errno of the call that just failed, never 0: the callers trust 0 as success. */
static int failed(void)
{
	return errno ? -errno : -EIO;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Send @req on the socket at @path and read one whole JSON reply, all of it
 * within RPC_MS (a daemon that stalls or trickles must not hold the event
 * loop); the caller frees it.
 */
static int rpc(const char *path, const char *req, char **reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = RPC_MS / 1000 };
	long long deadline = now_ms() + RPC_MS, left;
	struct json_scan js = { 0 };
	size_t len = 0, cap = 8192;
	char *buf = NULL, *grown;
	struct pollfd pfd;
	ssize_t n;
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return failed();
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = failed();
		goto out;
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		err = -EIO;
		goto out;
	}
	for (;;) {
		if (len + 1 >= cap || !buf) {
			if (buf && cap >= REPLY_MAX) {
				err = -E2BIG;
				goto out;
			}
			cap = buf ? cap * 2 : cap;
			grown = realloc(buf, cap);
			if (!grown) {
				err = -ENOMEM;
				goto out;
			}
			buf = grown;
		}
		left = deadline - now_ms();
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		if (n <= 0) {
			err = n ? failed() : -ETIMEDOUT;
			goto out;
		}
		n = recv(fd, buf + len, cap - len - 1, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			err = n ? failed() : -EPIPE;
			goto out;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (buf[0] != '{') {
			err = -EPROTO;
			goto out;
		}
		if (json_whole(&js, buf, len))
			break;
	}
	*reply = buf;
	buf = NULL;
	err = 0;
out:
	free(buf);
	close(fd);
	return err;
}

/* The JSON string at @p (at its opening quote), unescaped into @out; 0, -E2BIG or -EINVAL. */
static int json_unescape(const char *p, char *out, size_t len)
{
	size_t o = 0;

	if (*p++ != '"' || !len)
		return -EINVAL;
	for (; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			switch (*++p) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':	/* OVS writes ASCII; anything else stands as '?' */
				if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]) ||
				    !isxdigit((unsigned char)p[3]) || !isxdigit((unsigned char)p[4]))
					return -EINVAL;
				c = (char)strtol((char[]){ p[1], p[2], p[3], p[4], 0 }, NULL, 16);
				if ((unsigned char)c >= 0x80 || !c || strncmp(p + 1, "00", 2))
					c = '?';
				p += 4;
				break;
			case '\0': return -EINVAL;
			default: c = *p;	/* \" \\ \/ */
			}
		}
		if (o + 1 >= len) {	/* a text cut short would read as another */
			out[o] = '\0';
			return -E2BIG;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return *p == '"' ? 0 : -EINVAL;
}

int vt_ovs_appctl(const char *method, const char *params, char *out, size_t len)
{
	char path[256], req[1024], *reply = NULL, *res;
	FILE *f;
	long pid = 0;
	int err;

	snprintf(path, sizeof(path), "%s/ovs-vswitchd.pid", rundir());
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 0)
		pid = 0;
	fclose(f);
	if (!pid)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/ovs-vswitchd.%ld.ctl", rundir(), pid);
	if ((size_t)snprintf(req, sizeof(req), "{\"id\":0,\"method\":\"%s\",\"params\":%s}", method, params) >=
	    sizeof(req))
		return -E2BIG;
	err = rpc(path, req, &reply);
	if (err || !reply)
		return err ? err : -EPROTO;
	res = strstr(reply, "\"result\":");
	err = res ? json_unescape(res + 9, out, len) : -EPROTO;
	free(reply);
	return err;
}

int vt_ovs_port_tag(const char *port)
{
	char path[256], req[512], *reply = NULL, *tag;
	int err, v;

	if (strpbrk(port, "\"\\"))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/db.sock", rundir());
	snprintf(req, sizeof(req),
		 "{\"id\":1,\"method\":\"transact\",\"params\":[\"Open_vSwitch\",{\"op\":\"select\",\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"%s\"]],\"columns\":[\"tag\"]}]}",
		 port);
	err = rpc(path, req, &reply);
	if (err || !reply)
		return err ? err : -EPROTO;
	tag = strstr(reply, "\"tag\":");
	if (!tag)
		err = -ENOENT;	/* no such port */
	else if (sscanf(tag + 6, "%d", &v) == 1 && v > 0 && v < 4096)
		err = v;
	else
		err = 0;	/* ["set",[]]: none */
	free(reply);
	return err;
}
