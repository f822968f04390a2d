/* Pieces of `hvperf report` shared between its files. */
#ifndef REPORTS_REPORT_H
#define REPORTS_REPORT_H

#include <stddef.h>

#include "reports/doc.h"
#include "reports/plot.h"
#include "reports/results_load.h"

/* The layers in report order; anything else comes after, as found. */
extern const char *const report_layer_order[4];

/* Host facts, scenario and skipped configurations. */
void report_host_section(struct rdoc *d, const struct report_results *r);
/* One section per layer: tables, ratio bars, waterfalls, sweeps. plots may
 * be NULL (plain text: no plots). */
void report_layer_section(struct rdoc *d, const struct report_results *r,
			  const char *layer, struct report_plots *plots);
/* Counter tables of one layer: PMU, KVM exits per unit of work, memory. */
void report_counter_tables(struct rdoc *d, const struct report_results *r,
			   const char *layer);
/* A file-name-safe copy of s (alnum, '-', '.', else '_'). */
void report_safe_name(char *buf, size_t len, const char *s);
/* "ptrchase working_set=64M" plus ", metric" when the workload has several
 * metrics in r. */
void report_key_label(char *buf, size_t len, const struct report_results *r,
		      const struct report_series *s);

#endif
