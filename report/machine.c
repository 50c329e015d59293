/* SPDX-License-Identifier: MIT */
/*
 * The machine the benchmarks ran on, as bench/host.sh recorded it when they
 * ran (host.json in --bench), or "machine not recorded" for results that
 * came without one.  Nothing here knows a machine: every fact is the file's.
 */
#include "report/report.h"

/*
 * host.json's facts in the order printed: its key, the words around its
 * value, and whether it is an aside on the fact before it, in parentheses.
 */
static const struct host_fact {
	const char *key, *before, *after;
	bool aside;
} host_facts[] = {
	{ "cpu_model", "", "", false },
	{ "cores", "", " cores", false },
	{ "memory_gib", "", " GiB", false },
	{ "hypervisor", "hypervisor ", "", false },
	{ "hypervisor_source", "(from ", ")", true },
	{ "container", "container ", "", false },
	{ "kernel", "kernel ", "", false },
};

/* One fact (a string or a number), after a separator unless it is the first. */
static void print_fact(FILE *f, const struct host_fact *fact, const json_t *value,
		       bool first)
{
	const char *separator = first ? "" : fact->aside ? " " : ", ";

	if (json_is_string(value))
		fprintf(f, "%s%s%s%s", separator, fact->before, json_string_value(value),
			fact->after);
	else
		fprintf(f, "%s%s%g%s", separator, fact->before, json_number_value(value),
			fact->after);
}

void report_machine(FILE *f, const struct report *rep)
{
	json_t *host = rep->opts->bench ? load_bench(rep, "host.json") : NULL;
	bool first = true;

	fputs("Benchmarked on: ", f);
	if (!host) {
		fprintf(f, "machine not recorded (no `host.json` in `%s`; `bench/run.sh` "
			"writes one).\n\n", rep->opts->bench ? rep->opts->bench : "--bench");
		goto out;
	}
	for (size_t i = 0; i < sizeof(host_facts) / sizeof(host_facts[0]); i++) {
		const json_t *value = json_object_get(host, host_facts[i].key);

		if (!json_is_string(value) && !json_is_number(value))
			continue;
		print_fact(f, &host_facts[i], value, first);
		first = false;
	}
	fprintf(f, "%s; recorded by `bench/host.sh` at commit %s on %s.\n\n",
		first ? "machine not recorded" : "", commit_of(host),
		json_string_or(host, "date", "an unrecorded date"));
out:
	json_decref(host);
}
