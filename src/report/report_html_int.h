/*
 * report_html_int.h - the parts of the HTML report shared between
 * report_html.c (page, summary, charts, explanations) and
 * report_html_tables.c (insights and the tables).  Internal.
 */
#ifndef TLSRPT_REPORT_HTML_INT_H
#define TLSRPT_REPORT_HTML_INT_H

#include <json.h>
#include <stdint.h>
#include <stdio.h>

/* Longest string shown in a cell / a title (code points). */
#define HTML_CELL_CHARS		120
#define HTML_TITLE_CHARS	300
/* Most items of a list shown in one cell. */
#define HTML_CELL_ITEMS		8

/* <td class="num">1,234</td> */
void html_td_count(FILE *fp, int64_t v);
/* <td>a, b, c +2 more</td> from an array of strings. */
void html_td_list(FILE *fp, struct json_object *arr);
/* <td>type 12, type 3</td> from an object of counts. */
void html_td_counts(FILE *fp, struct json_object *obj);
/* <p class="more">N more rows not shown.</p> when N > 0. */
void html_more(FILE *fp, size_t n);

void html_section_failures(FILE *fp, struct json_object *model);
void html_section_insights(FILE *fp, struct json_object *model);
void html_section_mx_hosts(FILE *fp, struct json_object *model);
void html_section_sending_mtas(FILE *fp, struct json_object *model);
void html_section_reporters(FILE *fp, struct json_object *model);

#endif
