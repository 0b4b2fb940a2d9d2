/*
 * model_get.h - typed lookups in the `tlsrpt report` JSON model
 * (doc/report-json.md) that never trust its shape.
 *
 * Renderers read the model through these so that a missing key, a null
 * or a value of the wrong type reads as "absent" instead of crashing or
 * printing garbage.  Nothing is allocated but where a function says so:
 * returned strings and objects belong to the model.  Every function
 * accepts a NULL or non-object O.
 */
#ifndef TLSRPT_MODEL_GET_H
#define TLSRPT_MODEL_GET_H

#include <json.h>
#include <stdint.h>

/* The value of KEY, whatever its type, or NULL when absent. */
struct json_object *model_get(struct json_object *o, const char *key);

/* Days since the epoch of a "YYYY-MM-DD" DATE; -1 when it is not one. */
long model_day(const char *date);

/* The string value of KEY, or NULL when absent or not a string. */
const char *model_str(struct json_object *o, const char *key);

/* KEY as an integer (an int, or a finite double truncated), else DFLT. */
int64_t model_int(struct json_object *o, const char *key, int64_t dflt);

/* KEY as a number (int or finite double), else DFLT. */
double model_num(struct json_object *o, const char *key, double dflt);

/* 1 only when KEY is the boolean true. */
int model_true(struct json_object *o, const char *key);

/* KEY's value when it is an array / an object, else NULL. */
struct json_object *model_array(struct json_object *o, const char *key);
struct json_object *model_object(struct json_object *o, const char *key);

/* Length of an array, 0 for NULL or a non-array. */
size_t model_len(struct json_object *a);

/* Element I of array A when it is an object / a string, else NULL. */
struct json_object *model_obj_at(struct json_object *a, size_t i);
const char *model_str_at(struct json_object *a, size_t i);

/* V (not a key lookup) as an integer, like model_int. */
int64_t model_int_value(struct json_object *v, int64_t dflt);

/*
 * The keys of object O sorted by strcmp, in *KEYS_R: an array the caller
 * frees (the keys are O's); their number.  0 when O has none or is not
 * an object; *KEYS_R is NULL only when out of memory.
 */
size_t model_sorted_keys(struct json_object *o, const char ***keys_r);

/* The same keys as a new array of strings, which the caller puts. */
struct json_object *model_keys_array(struct json_object *o);

/*
 * The same lookups for the aggregation and the text renderers, over the
 * model they build themselves: absent reads as 0, 0.0 or "" (never
 * NULL), so a value goes straight to printf.
 */
long long mval_int(struct json_object *obj, const char *key);
double mval_double(struct json_object *obj, const char *key);
const char *mval_str(struct json_object *obj, const char *key);
struct json_object *mval_array(struct json_object *obj, const char *key);

/* For the builders: the object under KEY of OBJ, added empty when absent. */
struct json_object *mval_child(struct json_object *obj, const char *key);

#endif
