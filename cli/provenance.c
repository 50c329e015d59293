/* SPDX-License-Identifier: MIT */
/*
 * provenance_json(): the facts of the run, read when it runs.  The host's
 * facts are the kernel's (uname, /proc/cpuinfo, the online CPUs): nothing
 * here knows a machine.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "build/cli/version.h"	/* VMTRACE_COMMIT, made by scripts/version_h.sh */
#include "cli/commands.h"
#include "cli/provenance.h"

/* The first "model name" of /proc/cpuinfo into @buf, or "unknown". */
static void cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, size, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		snprintf(buf, size, "%s", colon + 2);
		buf[strcspn(buf, "\n")] = '\0';
		break;
	}
	if (f)
		fclose(f);
}

/* The host: CPU, online cores, kernel (bench/host.sh also finds the hypervisor). */
static json_t *host_json(void)
{
	struct utsname u;
	char cpu[256], kernel[sizeof(u.release) + sizeof(u.machine) + 2] = "unknown";

	cpu_model(cpu, sizeof(cpu));
	if (!uname(&u))
		snprintf(kernel, sizeof(kernel), "%s %s", u.release, u.machine);
	return json_pack("{s:s, s:I, s:s}", "cpu_model", cpu,
			 "cores", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "kernel", kernel);
}

json_t *provenance_json(int argc, char **argv)
{
	json_t *args = json_array(), *host = host_json(), *doc = NULL;
	time_t now = time(NULL);
	char date[32] = "unknown";
	struct tm tm;

	if (!args || !host)
		goto out;
	for (int i = 0; i < argc; i++)
		if (json_array_append_new(args, json_string(argv[i])))
			goto out;
	if (gmtime_r(&now, &tm))
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	doc = json_pack("{s:i, s:s, s:s, s:s, s:O, s:O, s:s}", "schema", VMTRACE_JSON_SCHEMA,
			"tool", "vmtrace", "version", VMTRACE_VERSION, "commit", VMTRACE_COMMIT,
			"arguments", args, "host", host, "date", date);
out:
	json_decref(args);
	json_decref(host);
	return doc;
}
