// SPDX-License-Identifier: GPL-2.0
/*
 * Recordings (docs/recording.md): writing what a command saw, and reading it
 * back without trusting it: a recording comes from another host, another
 * version, or a disk that filled up mid-record.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "version.h"

static const uint8_t zeros[8];

static void copy_str(char *dst, size_t dlen, const char *src, size_t slen)
{
	size_t n = strnlen(src, slen < dlen ? slen : dlen - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void failed(struct vt_rec_writer *w, int err)
{
	if (w->err)
		return;
	w->err = err;
	fprintf(stderr, "vmtrace: writing %s: %s: the recording stops here\n", w->path, strerror(-err));
}

int vt_rec_create(struct vt_rec_writer *w, const char *path, const char *command)
{
	struct vt_rec_file_header fh;
	struct stat st;
	int fd;

	memset(w, 0, sizeof(*w));
	w->path = path;
	/* a file planted where root writes (/var/tmp) must not receive the tenants' traffic */
	/* O_NONBLOCK: a FIFO planted there must not hold us; cleared once it is a file */
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)	/* ELOOP: a symlink; ENXIO: a FIFO nobody reads */
		return errno == ELOOP || errno == ENXIO ? -EPERM : -errno;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return -EPERM;
	}
	if (fchmod(fd, 0600) || ftruncate(fd, 0) || fcntl(fd, F_SETFL, 0)) {
		int err = -errno;

		close(fd);
		return err;
	}
	w->f = fdopen(fd, "w");
	if (!w->f) {
		int err = -errno;

		close(fd);
		return err;
	}
	memset(&fh, 0, sizeof(fh));
	memcpy(fh.magic, VT_REC_MAGIC, sizeof(fh.magic));
	fh.byte_order = VT_REC_BYTE_ORDER;
	fh.major = VT_REC_MAJOR;
	fh.minor = VT_REC_MINOR;
	fh.header_len = sizeof(fh);
	fh.event_size = sizeof(struct vmtrace_event);
	fh.genl_version = VMTRACE_GENL_VERSION;
	snprintf(fh.tool_version, sizeof(fh.tool_version), "%s", VMTRACE_VERSION);
	snprintf(fh.command, sizeof(fh.command), "%s", command);
	if (fwrite(&fh, sizeof(fh), 1, w->f) != 1)
		failed(w, errno ? -errno : -EIO);
	return 0;
}

static void put_bytes(struct vt_rec_writer *w, const void *p, size_t len)
{
	if (w->err || !len)
		return;
	if (fwrite(p, len, 1, w->f) != 1)
		failed(w, errno ? -errno : -EIO);
}

void vt_rec_put(struct vt_rec_writer *w, uint16_t type, uint16_t flags, uint64_t mono_ns,
		int64_t wall_offset_ns, const void *payload, uint32_t len)
{
	struct vt_rec_header h = {
		.type = type, .flags = flags, .len = len,
		.mono_ns = mono_ns, .wall_offset_ns = wall_offset_ns,
	};

	if (!w->f)
		return;
	put_bytes(w, &h, sizeof(h));
	put_bytes(w, payload, len);
	put_bytes(w, zeros, (8 - len % 8) % 8);
}

void vt_rec_flush(struct vt_rec_writer *w)
{
	if (w->f && !w->err && fflush(w->f))
		failed(w, -errno);
}

int vt_rec_close(struct vt_rec_writer *w)
{
	if (!w->f)
		return w->err;
	if (fclose(w->f))
		failed(w, -errno);
	w->f = NULL;
	return w->err;
}

void vt_rec_put_vm(struct vt_rec_writer *w, const struct vt_vm *vm, int changed, uint64_t mono_ns)
{
	size_t len = sizeof(struct vt_rec_vm) + vm->npath * sizeof(struct vt_rec_path_elem) +
		     vm->naddrs * sizeof(struct vt_rec_addr);
	uint8_t *buf = calloc(1, len);
	struct vt_rec_vm *rv = (struct vt_rec_vm *)buf;
	struct vt_rec_path_elem *pe = (struct vt_rec_path_elem *)(rv + 1);
	struct vt_rec_addr *ra = (struct vt_rec_addr *)(pe + vm->npath);
	unsigned int i;

	if (!buf) {
		failed(w, -ENOMEM);
		return;
	}
	copy_str(rv->name, sizeof(rv->name), vm->name, sizeof(vm->name));
	copy_str(rv->source, sizeof(rv->source), vm->source, sizeof(vm->source));
	copy_str(rv->note, sizeof(rv->note), vm->note, sizeof(vm->note));
	rv->npath = vm->npath;
	rv->naddrs = vm->naddrs;
	for (i = 0; i < vm->npath; i++) {
		const struct vt_path_elem *el = &vm->path[i];

		copy_str(pe[i].ifname, sizeof(pe[i].ifname), el->ifname, sizeof(el->ifname));
		copy_str(pe[i].netns, sizeof(pe[i].netns), el->netns, sizeof(el->netns));
		copy_str(pe[i].kind, sizeof(pe[i].kind), el->kind, sizeof(el->kind));
		copy_str(pe[i].master, sizeof(pe[i].master), el->master, sizeof(el->master));
		pe[i].netns_cookie = el->netns_cookie;
		pe[i].ifindex = el->ifindex;
		pe[i].netns_inum = el->netns_inum;
		pe[i].master_ifindex = el->master_ifindex;
		pe[i].role = el->role;
	}
	for (i = 0; i < vm->naddrs; i++) {
		ra[i].family = vm->addrs[i].family;
		memcpy(ra[i].addr, vm->addrs[i].addr, sizeof(ra[i].addr));
	}
	vt_rec_put(w, VT_REC_VM, changed ? VT_REC_VM_CHANGED : 0, mono_ns, 0, buf, (uint32_t)len);
	free(buf);
}

void vt_rec_put_names(struct vt_rec_writer *w, const struct vt_netns_names *names, uint64_t mono_ns)
{
	struct vt_rec_netns_name *rn = calloc(names->n ? names->n : 1, sizeof(*rn));
	unsigned int i;

	if (!rn) {
		failed(w, -ENOMEM);
		return;
	}
	for (i = 0; i < names->n; i++) {
		rn[i].inum = names->e[i].inum;
		copy_str(rn[i].name, sizeof(rn[i].name), names->e[i].name, sizeof(names->e[i].name));
	}
	vt_rec_put(w, VT_REC_NETNS_NAMES, 0, mono_ns, 0, rn, names->n * (uint32_t)sizeof(*rn));
	free(rn);
}

void vt_rec_put_verdict(struct vt_rec_writer *w, const struct vt_echo *e, const struct vt_verdict *v,
			uint64_t mono_ns)
{
	struct vt_rec_verdict rv;

	memset(&rv, 0, sizeof(rv));
	rv.family = e->family;
	memcpy(rv.src, e->src, sizeof(rv.src));
	memcpy(rv.dst, e->dst, sizeof(rv.dst));
	rv.id = e->id;
	rv.seq = e->seq;
	rv.status = v->status;
	rv.has_hop = v->hop != NULL;
	if (v->hop)
		rv.hop = *v->hop;
	rv.inferred = v->cause.inferred;
	rv.via_neighbour = v->via_neighbour;
	rv.rtt_ns = v->rtt_ns;
	if (v->cause.id)
		copy_str(rv.cause_id, sizeof(rv.cause_id), v->cause.id, strlen(v->cause.id));
	copy_str(rv.explain, sizeof(rv.explain), v->cause.explain, sizeof(v->cause.explain));
	copy_str(rv.check, sizeof(rv.check), v->cause.check, sizeof(v->cause.check));
	vt_rec_put(w, VT_REC_VERDICT, 0, mono_ns, 0, &rv, sizeof(rv));
}

static int bad(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

int vt_rec_open(struct vt_rec_reader *r, FILE *f, char *why, size_t whylen)
{
	struct vt_rec_file_header *fh = &r->fh;
	size_t n;

	memset(r, 0, sizeof(*r));
	r->f = f;
	n = fread(fh, 1, sizeof(*fh), f);
	if (n < sizeof(fh->magic) || memcmp(fh->magic, VT_REC_MAGIC, sizeof(fh->magic)))
		return bad(why, whylen, "not a vmtrace recording");
	if (n < sizeof(*fh))
		return bad(why, whylen, "the recording's header is cut short");
	if (fh->byte_order != VT_REC_BYTE_ORDER)
		return bad(why, whylen, "recorded on a host of the other byte order");
	if (fh->major != VT_REC_MAJOR)
		return bad(why, whylen, "recording format %u.%u, this vmtrace reads %u.x",
			   fh->major, fh->minor, VT_REC_MAJOR);
	if (fh->header_len < sizeof(*fh) || fh->header_len > VT_REC_MAX_LEN)
		return bad(why, whylen, "header length %u", fh->header_len);
	if (fh->event_size != sizeof(struct vmtrace_event))
		return bad(why, whylen, "events of %u bytes, this vmtrace knows %zu", fh->event_size,
			   sizeof(struct vmtrace_event));
	fh->tool_version[sizeof(fh->tool_version) - 1] = '\0';
	fh->command[sizeof(fh->command) - 1] = '\0';
	r->buf = malloc(VT_REC_MAX_LEN);
	if (!r->buf)
		return bad(why, whylen, "out of memory");
	/* a newer minor's longer header: skip what this one does not know */
	for (n = sizeof(*fh); n < fh->header_len; n++)
		if (fgetc(f) == EOF)
			return bad(why, whylen, "the recording's header is cut short");
	r->offset = fh->header_len;
	return 0;
}

/*
 * The kernel's reason and location are symbol names, printed as they are;
 * a recording's may hold anything: what is not printable ASCII becomes '?'.
 * Its names end where the kernel's do (IFNAMSIZ), whatever the file says.
 */
static void plain_kernel_words(struct vmtrace_event *ev)
{
	size_t i;

	ev->ifname[sizeof(ev->ifname) - 1] = '\0';
	ev->out_ifname[sizeof(ev->out_ifname) - 1] = '\0';
	ev->reason[sizeof(ev->reason) - 1] = '\0';
	ev->location[sizeof(ev->location) - 1] = '\0';

	for (i = 0; i < sizeof(ev->reason) && ev->reason[i]; i++)
		if (ev->reason[i] <= ' ' || ev->reason[i] > '~')
			ev->reason[i] = '?';
	for (i = 0; i < sizeof(ev->location) && ev->location[i]; i++)
		if (ev->location[i] <= ' ' || ev->location[i] > '~')
			ev->location[i] = '?';
}

/* The sizes of the records this version knows; a longer one is a newer minor's. */
static int len_ok(const struct vt_rec_header *h)
{
	switch (h->type) {
	case VT_REC_OPTIONS:
		return h->len >= sizeof(struct vt_rec_options);
	case VT_REC_VM:
		return h->len >= sizeof(struct vt_rec_vm);
	case VT_REC_NETNS_NAMES:
		return h->len % sizeof(struct vt_rec_netns_name) == 0;
	case VT_REC_EVENT:
		return h->len == sizeof(struct vmtrace_event);
	case VT_REC_EXPECT:
		return h->len >= sizeof(struct vt_rec_expect);
	case VT_REC_VERDICT:
		return h->len == sizeof(struct vt_rec_verdict);
	case VT_REC_TICK:
		return 1;
	case VT_REC_LOST:
		return h->len >= sizeof(struct vt_rec_lost);
	default:
		return 1;
	}
}

int vt_rec_next(struct vt_rec_reader *r, struct vt_rec_header *h, char *why, size_t whylen)
{
	size_t n = fread(h, 1, sizeof(*h), r->f);
	uint32_t pad;

	if (n == 0 && feof(r->f))
		return 0;
	if (n < sizeof(*h))
		return bad(why, whylen, "cut short at byte %llu, in a record's header",
			   (unsigned long long)r->offset);
	if (h->len > VT_REC_MAX_LEN)
		return bad(why, whylen, "a record of %u bytes at byte %llu", h->len,
			   (unsigned long long)r->offset);
	pad = (8 - h->len % 8) % 8;
	r->record_offset = r->offset;
	if (fread(r->buf, 1, h->len, r->f) != h->len)
		return bad(why, whylen, "cut short at byte %llu, in a record of type %u",
			   (unsigned long long)r->offset, h->type);
	for (; pad; pad--)
		if (fgetc(r->f) == EOF)
			return bad(why, whylen, "cut short at byte %llu, after a record of type %u",
				   (unsigned long long)r->offset, h->type);
	r->offset += sizeof(*h) + h->len + (8 - h->len % 8) % 8;
	if (!len_ok(h))
		return vt_rec_invalid(r, h, why, whylen);
	if (h->type == VT_REC_EVENT)
		plain_kernel_words((struct vmtrace_event *)r->buf);
	return 1;
}

int vt_rec_unfinished(const struct vt_rec_reader *r, char *why, size_t whylen)
{
	return bad(why, whylen, "ends at byte %llu without its last record: cut short",
		   (unsigned long long)r->offset);
}

int vt_rec_invalid(const struct vt_rec_reader *r, const struct vt_rec_header *h, char *why, size_t whylen)
{
	return bad(why, whylen, "a malformed record (type %u, %u bytes) at byte %llu", h->type, h->len,
		   (unsigned long long)r->record_offset);
}

void vt_rec_close_reader(struct vt_rec_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int vt_rec_get_vm(const void *p, uint32_t len, struct vt_vm *vm)
{
	const struct vt_rec_vm *rv = p;
	const struct vt_rec_path_elem *pe;
	const struct vt_rec_addr *ra;
	unsigned int i;

	if (len < sizeof(*rv) || rv->npath > VMTRACE_MAX_IFACES || rv->naddrs > VMTRACE_MAX_ADDRS ||
	    len != sizeof(*rv) + rv->npath * sizeof(*pe) + rv->naddrs * sizeof(*ra))
		return -EBADMSG;
	pe = (const struct vt_rec_path_elem *)(rv + 1);
	ra = (const struct vt_rec_addr *)(pe + rv->npath);
	memset(vm, 0, sizeof(*vm));
	copy_str(vm->name, sizeof(vm->name), rv->name, sizeof(rv->name));
	copy_str(vm->source, sizeof(vm->source), rv->source, sizeof(rv->source));
	copy_str(vm->note, sizeof(vm->note), rv->note, sizeof(rv->note));
	for (i = 0; i < rv->npath; i++) {
		struct vt_path_elem *el = &vm->path[i];

		if (pe[i].role > VT_ROLE_UNDERLAY)
			return -EBADMSG;
		copy_str(el->ifname, sizeof(el->ifname), pe[i].ifname, sizeof(pe[i].ifname));
		copy_str(el->netns, sizeof(el->netns), pe[i].netns, sizeof(pe[i].netns));
		copy_str(el->kind, sizeof(el->kind), pe[i].kind, sizeof(pe[i].kind));
		copy_str(el->master, sizeof(el->master), pe[i].master, sizeof(pe[i].master));
		el->netns_cookie = pe[i].netns_cookie;
		el->ifindex = pe[i].ifindex;
		el->netns_inum = pe[i].netns_inum;
		el->master_ifindex = pe[i].master_ifindex;
		el->role = (enum vt_role)pe[i].role;
	}
	vm->npath = rv->npath;
	for (i = 0; i < rv->naddrs; i++) {
		if (ra[i].family != AF_INET && ra[i].family != AF_INET6)
			return -EBADMSG;
		vm->addrs[i].family = ra[i].family;
		memcpy(vm->addrs[i].addr, ra[i].addr, sizeof(ra[i].addr));
	}
	vm->naddrs = rv->naddrs;
	return 0;
}

int vt_rec_get_names(const void *p, uint32_t len, struct vt_netns_names *names)
{
	const struct vt_rec_netns_name *rn = p;
	unsigned int i, n = len / sizeof(*rn);

	if (len % sizeof(*rn) || n > VT_NETNS_NAMES_MAX)
		return -EBADMSG;
	memset(names, 0, sizeof(*names));
	for (i = 0; i < n; i++) {
		names->e[i].inum = rn[i].inum;
		copy_str(names->e[i].name, sizeof(names->e[i].name), rn[i].name, sizeof(rn[i].name));
	}
	names->n = n;
	return 0;
}

int vt_rec_get_verdict(const void *p, uint32_t len, struct vt_rec_verdict *v)
{
	if (len != sizeof(*v))
		return -EBADMSG;
	memcpy(v, p, sizeof(*v));
	if ((v->family != AF_INET && v->family != AF_INET6) || v->status > VT_UNSEEN)
		return -EBADMSG;
	/* what the renderer reads of a verdict of this status, live verdicts always have */
	if (!v->has_hop && (v->status == VT_DROPPED || v->status == VT_LOST_IN_VM || v->status == VT_WRONG_VM))
		return -EBADMSG;
	if (v->status != VT_REPLIED && !v->cause_id[0])
		return -EBADMSG;
	/* a cause id is vmtrace's vocabulary (docs/causes.md): printed as it is */
	if (!memchr(v->cause_id, '\0', sizeof(v->cause_id)) ||
	    strspn(v->cause_id, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(v->cause_id))
		return -EBADMSG;
	v->explain[sizeof(v->explain) - 1] = '\0';
	v->check[sizeof(v->check) - 1] = '\0';
	plain_kernel_words(&v->hop);
	return 0;
}
