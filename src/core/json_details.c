/*
 * json_details.c - locate the failure-details arrays; see json_details.h.
 */
#include "json_details.h"
#include "ascii.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NEST	64	/* json_prescan() bounds depth far below this */

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* I at an opening quote: the index after the closing one. */
static size_t
skip_string(const char *text, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (text[i] == '\\')
			i++;
		else if (text[i] == '"')
			return i + 1;
	}
	return len;
}

/* I at '[' or '{': the index after its matching bracket. */
static size_t
skip_container(const char *text, size_t len, size_t i)
{
	size_t depth = 0;

	while (i < len) {
		char c = text[i];

		if (c == '"') {
			i = skip_string(text, len, i);
			continue;
		}
		if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && --depth == 0)
			return i + 1;
		i++;
	}
	return len;
}

/*
 * Whether the JSON string at [S, E) (quotes included) decodes to WANT, an
 * ASCII word: "failure\u002ddetails" is "failure-details" to json-c too.
 */
static int
key_is(const char *text, size_t s, size_t e, const char *want)
{
	size_t i = s + 1, end = e - 1;

	for (; i < end; want++) {
		int c = (unsigned char)text[i];

		if (c == '\\' && i + 1 < end) {
			char esc = text[i + 1];

			i += 2;
			if (esc == 'u') {
				int k, v = 0;

				for (k = 0; k < 4 && i < end; k++, i++) {
					int h = ascii_hexval(text[i]);

					if (h < 0)
						return 0;
					v = v * 16 + h;
				}
				c = v;
			} else
				c = esc == 'b' ? '\b' : esc == 'f' ? '\f' :
				    esc == 'n' ? '\n' : esc == 'r' ? '\r' :
				    esc == 't' ? '\t' : esc;
		} else
			i++;
		if (*want == '\0' || c != (unsigned char)*want)
			return 0;
	}
	return *want == '\0';
}

int
json_details_locate(const char *text, size_t len, size_t max_policies,
    struct json_span **spans_r, size_t *n_r)
{
	char stack[MAX_NEST];
	int expect_key[MAX_NEST];
	size_t depth = 0, i = 0, n = 0, pol = 0;
	int key_policies = 0, in_policies = 0, key_details = 0;
	struct json_span *spans;

	*spans_r = NULL;
	*n_r = 0;
	if ((spans = calloc(max_policies + 1, sizeof(*spans))) == NULL)
		return -1;
	while (i < len) {
		char c = text[i];

		if (is_space(c) || c == ':') {
			i++;
			continue;
		}
		if (c == '"') {
			size_t e = skip_string(text, len, i);

			if (depth > 0 && stack[depth - 1] == '{' && expect_key[depth - 1]) {
				expect_key[depth - 1] = 0;
				if (depth == 1)
					key_policies = key_is(text, i, e, "policies");
				else if (depth == 3 && in_policies)
					key_details = key_is(text, i, e, "failure-details");
			} else if (depth == 3 && in_policies && key_details) {
				key_details = 0;	/* not an array: json-c's */
				if (pol < max_policies)
					spans[pol].end = 0;
			}
			i = e;
			continue;
		}
		if (c == ',') {
			if (depth > 0 && stack[depth - 1] == '{')
				expect_key[depth - 1] = 1;
			else if (depth == 2 && in_policies)
				pol++;
			i++;
			continue;
		}
		if (c == '[' && depth == 3 && in_policies && key_details) {
			size_t e = skip_container(text, len, i);

			key_details = 0;
			if (pol < max_policies) {
				spans[pol].start = i;
				spans[pol].end = e;
				if (pol + 1 > n)
					n = pol + 1;
			}
			i = e;
			continue;
		}
		if (c == '[' || c == '{') {
			if (depth == 3 && in_policies && key_details) {
				key_details = 0;	/* an object: json-c's */
				if (pol < max_policies)
					spans[pol].end = 0;
			}
			if (depth == MAX_NEST)
				break;		/* json-c refuses it anyway */
			if (depth == 1 && key_policies && c == '[') {
				/* A later "policies" replaces an earlier one. */
				memset(spans, 0, (max_policies + 1) * sizeof(*spans));
				n = pol = 0;
				in_policies = 1;
			}
			stack[depth] = c;
			expect_key[depth] = c == '{';
			depth++;
			i++;
			continue;
		}
		if (c == ']' || c == '}') {
			if (depth > 0)
				depth--;
			if (depth == 1)
				in_policies = 0;
			i++;
			continue;
		}
		/* A number or a literal. */
		if (depth == 3 && in_policies && key_details) {
			key_details = 0;
			if (pol < max_policies)
				spans[pol].end = 0;
		}
		while (i < len && !is_space(text[i]) && strchr(",]}:", text[i]) == NULL)
			i++;
	}
	*spans_r = spans;
	*n_r = n;
	return 0;
}

int
json_details_next(const char *text, const struct json_span *span,
    size_t *pos, size_t *start_r, size_t *end_r)
{
	size_t last = span->end - 1, i, s, e;
	int first = *pos == 0;

	if (first)
		i = span->start + 1;
	else if (*pos >= last)
		return 0;
	else
		i = *pos + 1;		/* past the comma */
	while (i < last && is_space(text[i]))
		i++;
	if (i == last) {
		*pos = last;
		return first ? 0 : -1;	/* "[]", or "[1,]" */
	}
	s = i;
	while (i < last && text[i] != ',') {
		if (text[i] == '"')
			i = skip_string(text, last, i);
		else if (text[i] == '[' || text[i] == '{')
			i = skip_container(text, last, i);
		else
			i++;
	}
	e = i;
	while (e > s && is_space(text[e - 1]))
		e--;
	*pos = i;			/* at the comma, or at ']' */
	if (e == s)
		return -1;		/* "[,1]", "[1,,2]" */
	*start_r = s;
	*end_r = e;
	return 1;
}
