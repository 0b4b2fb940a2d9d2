/*
 * model_get.c - defensive lookups in the report model; see model_get.h.
 */
#include "model_get.h"
#include "report_options.h"

#include <stdlib.h>
#include <string.h>

struct json_object *
model_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *
model_str(struct json_object *o, const char *key)
{
	struct json_object *v = model_get(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int64_t
model_int_value(struct json_object *v, int64_t dflt)
{
	double d;

	if (v == NULL)
		return dflt;
	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	if (json_object_is_type(v, json_type_double)) {
		d = json_object_get_double(v);
		/* Out of range (or NaN, which fails both tests): absent. */
		if (!(d > -9.2e18 && d < 9.2e18))
			return dflt;
		return (int64_t)d;
	}
	return dflt;
}

int64_t
model_int(struct json_object *o, const char *key, int64_t dflt)
{
	return model_int_value(model_get(o, key), dflt);
}

double
model_num(struct json_object *o, const char *key, double dflt)
{
	struct json_object *v = model_get(o, key);
	double d;

	if (v == NULL)
		return dflt;
	if (json_object_is_type(v, json_type_int))
		return (double)json_object_get_int64(v);
	if (json_object_is_type(v, json_type_double)) {
		d = json_object_get_double(v);
		if (d - d == 0)		/* finite: inf - inf and NaN are NaN */
			return d;
	}
	return dflt;
}

int
model_true(struct json_object *o, const char *key)
{
	struct json_object *v = model_get(o, key);

	return v != NULL && json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v);
}

struct json_object *
model_array(struct json_object *o, const char *key)
{
	struct json_object *v = model_get(o, key);

	return v != NULL && json_object_is_type(v, json_type_array) ? v : NULL;
}

struct json_object *
model_object(struct json_object *o, const char *key)
{
	struct json_object *v = model_get(o, key);

	return v != NULL && json_object_is_type(v, json_type_object) ? v : NULL;
}

size_t
model_len(struct json_object *a)
{
	if (a == NULL || !json_object_is_type(a, json_type_array))
		return 0;
	return json_object_array_length(a);
}

struct json_object *
model_obj_at(struct json_object *a, size_t i)
{
	struct json_object *v;

	if (i >= model_len(a))
		return NULL;
	v = json_object_array_get_idx(a, i);
	return v != NULL && json_object_is_type(v, json_type_object) ? v : NULL;
}

const char *
model_str_at(struct json_object *a, size_t i)
{
	struct json_object *v;

	if (i >= model_len(a))
		return NULL;
	v = json_object_array_get_idx(a, i);
	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long
mval_int(struct json_object *obj, const char *key)
{
	return (long long)model_int(obj, key, 0);
}

double
mval_double(struct json_object *obj, const char *key)
{
	return model_num(obj, key, 0.0);
}

const char *
mval_str(struct json_object *obj, const char *key)
{
	const char *s = model_str(obj, key);

	return s != NULL ? s : "";
}

struct json_object *
mval_array(struct json_object *obj, const char *key)
{
	return model_array(obj, key);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t
model_sorted_keys(struct json_object *o, const char ***keys_r)
{
	size_t n = json_object_is_type(o, json_type_object) ?
	    (size_t)json_object_object_length(o) : 0, k = 0;
	const char **d = malloc(sizeof(*d) * (n + 1));

	*keys_r = d;
	if (d == NULL || n == 0)
		return 0;
	json_object_object_foreach(o, key, v) {
		(void)v;
		d[k++] = key;
	}
	qsort(d, k, sizeof(*d), cmp_key);
	return k;
}

struct json_object *
model_keys_array(struct json_object *o)
{
	struct json_object *arr = json_object_new_array();
	const char **keys;
	size_t n = model_sorted_keys(o, &keys), i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(keys[i]));
	free(keys);
	return arr;
}

struct json_object *
mval_child(struct json_object *obj, const char *key)
{
	struct json_object *o;

	if (json_object_object_get_ex(obj, key, &o))
		return o;
	o = json_object_new_object();
	json_object_object_add(obj, key, o);
	return o;
}

long
model_day(const char *date)
{
	time_t t;

	return date != NULL && report_parse_date(date, &t) == 0 ?
	    (long)(t / REPORT_DAY) : -1;
}
