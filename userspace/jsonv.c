// SPDX-License-Identifier: GPL-2.0
/*
 * A JSON reader for documents other tools print. Two passes over the text:
 * the first checks it and counts values and string bytes, the second
 * builds the values in one allocation, so that a document is freed at once
 * and a malformed one allocates nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonv.h"

#define MAX_DEPTH 64

struct reader {
	const char *p, *end;
	int depth;
	/* the second pass: where values and strings go */
	struct vt_jv *vals;
	char *strs;
	size_t nvals, nstrs;	/* counted in the first pass, used in the second */
};

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

/* A string at r->p ('"'): decoded into r->strs when building; its length counted either way. */
static int string(struct reader *r, const char **out)
{
	char *dst = r->strs ? r->strs + r->nstrs : NULL;
	size_t n = 0;

	r->p++;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if ((unsigned char)c < 0x20)
			return -EINVAL;
		if (c == '\\') {
			unsigned int u;

			if (r->p >= r->end)
				return -EINVAL;
			c = *r->p++;
			switch (c) {
			case '"': case '\\': case '/':
				break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				if (r->end - r->p < 4 || hex4(r->p, &u))
					return -EINVAL;
				r->p += 4;
				c = u && u < 0x80 ? (char)u : '?';
				break;
			default:
				return -EINVAL;
			}
		}
		if (dst)
			dst[n] = c;
		n++;
	}
	if (r->p >= r->end)
		return -EINVAL;
	r->p++;
	if (dst) {
		dst[n] = '\0';
		*out = dst;
	}
	r->nstrs += n + 1;
	return 0;
}

static int number(struct reader *r, double *out)
{
	char buf[64];
	const char *s = r->p;
	size_t n;
	char *endp;

	while (r->p < r->end && *r->p && strchr("+-0123456789.eE", *r->p))
		r->p++;
	n = (size_t)(r->p - s);
	if (!n || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = strtod(buf, &endp);
	return *endp ? -EINVAL : 0;
}

static int literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return -EINVAL;
	r->p += n;
	return 0;
}

static int value(struct reader *r, struct vt_jv **out);

/* The elements of an array or object, r->p after its '[' or '{'. */
static int elements(struct reader *r, struct vt_jv *v, int object)
{
	struct vt_jv **tail = v ? &v->child : NULL;
	char close = object ? '}' : ']';
	int err;

	if (++r->depth > MAX_DEPTH)
		return -EINVAL;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		struct vt_jv *e = NULL;

		skip_ws(r);
		if (object) {
			if (r->p >= r->end || *r->p != '"')
				return -EINVAL;
			err = string(r, &key);
			if (err)
				return err;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return -EINVAL;
			r->p++;
		}
		err = value(r, &e);
		if (err)
			return err;
		if (v) {
			e->key = key;
			*tail = e;
			tail = &e->next;
			v->n++;
		}
		skip_ws(r);
		if (r->p >= r->end)
			return -EINVAL;
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p != close)
			return -EINVAL;
		r->p++;
		r->depth--;
		return 0;
	}
}

static int value(struct reader *r, struct vt_jv **out)
{
	struct vt_jv *v = r->vals ? &r->vals[r->nvals] : NULL;
	int err;

	r->nvals++;
	if (v) {
		memset(v, 0, sizeof(*v));
		*out = v;
	}
	skip_ws(r);
	if (r->p >= r->end)
		return -EINVAL;
	switch (*r->p) {
	case '{':
	case '[':
		if (v)
			v->type = *r->p == '{' ? VT_JV_OBJECT : VT_JV_ARRAY;
		err = elements(r, v, *r->p++ == '{');
		break;
	case '"':
		if (v)
			v->type = VT_JV_STRING;
		err = string(r, v ? &v->str : NULL);
		break;
	case 't':
		if (v)
			v->type = VT_JV_TRUE;
		err = literal(r, "true");
		break;
	case 'f':
		if (v)
			v->type = VT_JV_FALSE;
		err = literal(r, "false");
		break;
	case 'n':
		err = literal(r, "null");
		break;
	default: {
		double d = 0;

		err = number(r, &d);
		if (v) {
			v->type = VT_JV_NUMBER;
			v->num = d;
		}
	}
	}
	return err;
}

static int pass(struct reader *r, const char *text, size_t len, struct vt_jv **root)
{
	int err;

	r->p = text;
	r->end = text + len;
	r->depth = 0;
	r->nvals = r->nstrs = 0;
	err = value(r, root);
	if (err)
		return err;
	skip_ws(r);
	return r->p == r->end ? 0 : -EINVAL;
}

int vt_jv_parse(struct vt_jv_doc *doc, const char *text, size_t len)
{
	struct reader r = { 0 };
	struct vt_jv *root = NULL;
	size_t nvals, nstrs;
	int err;

	memset(doc, 0, sizeof(*doc));
	err = pass(&r, text, len, &root);
	if (err)
		return err;
	nvals = r.nvals;
	nstrs = r.nstrs;
	if (nvals > SIZE_MAX / sizeof(struct vt_jv) / 2)
		return -ENOMEM;
	doc->mem = malloc(nvals * sizeof(struct vt_jv) + nstrs + 1);
	if (!doc->mem)
		return -ENOMEM;
	r.vals = doc->mem;
	r.strs = (char *)(r.vals + nvals);
	err = pass(&r, text, len, &root);
	if (err) {	/* cannot be: the same text passed once */
		vt_jv_free(doc);
		return err;
	}
	doc->root = root;
	return 0;
}

void vt_jv_free(struct vt_jv_doc *doc)
{
	free(doc->mem);
	doc->mem = NULL;
	doc->root = NULL;
}

const struct vt_jv *vt_jv_get(const struct vt_jv *v, const char *key)
{
	const struct vt_jv *e;

	if (!v || v->type != VT_JV_OBJECT)
		return NULL;
	for (e = v->child; e; e = e->next)
		if (!strcmp(e->key, key))
			return e;
	return NULL;
}

const char *vt_jv_string(const struct vt_jv *v)
{
	return v && v->type == VT_JV_STRING ? v->str : NULL;
}

const char *vt_jv_get_string(const struct vt_jv *v, const char *key)
{
	return vt_jv_string(vt_jv_get(v, key));
}

double vt_jv_get_number(const struct vt_jv *v, const char *key, double def)
{
	const struct vt_jv *e = vt_jv_get(v, key);

	return e && e->type == VT_JV_NUMBER ? e->num : def;
}
