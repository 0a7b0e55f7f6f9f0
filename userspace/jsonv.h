/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading JSON that other tools print (nft -j): a whole document parsed
 * into one allocation of values, looked up by key and index. Bounded in
 * depth; strings decoded, \u escapes outside ASCII kept as '?'.
 */
#ifndef VT_JSONV_H
#define VT_JSONV_H

#include <stddef.h>

enum vt_jv_type { VT_JV_NULL, VT_JV_FALSE, VT_JV_TRUE, VT_JV_NUMBER, VT_JV_STRING, VT_JV_ARRAY, VT_JV_OBJECT };

struct vt_jv {
	enum vt_jv_type type;
	double num;
	const char *str;		/* string; an object member's key is in @key */
	const char *key;		/* the member's name, in an object */
	struct vt_jv *child;		/* array or object: its first element */
	struct vt_jv *next;		/* the next element of the array or object holding it */
	size_t n;			/* array or object: its elements */
};

struct vt_jv_doc {
	struct vt_jv *root;
	void *mem;			/* everything, freed at once */
};

/* 0, or -EINVAL (not JSON, or nested deeper than 64) or -ENOMEM. */
int vt_jv_parse(struct vt_jv_doc *doc, const char *text, size_t len);
void vt_jv_free(struct vt_jv_doc *doc);

/* NULL if @v is no object or has no @key. */
const struct vt_jv *vt_jv_get(const struct vt_jv *v, const char *key);
/* @v's string, or NULL if it is not one */
const char *vt_jv_string(const struct vt_jv *v);
/* The string member @key of object @v, or NULL. */
const char *vt_jv_get_string(const struct vt_jv *v, const char *key);
/* The number member @key of object @v, or @def. */
double vt_jv_get_number(const struct vt_jv *v, const char *key, double def);

#endif /* VT_JSONV_H */
