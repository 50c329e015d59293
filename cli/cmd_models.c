/* SPDX-License-Identifier: MIT */
/* vmtrace models: the registered allocator models. */
#include <stdio.h>

#include "allocator/allocator.h"
#include "cli/commands.h"
#include "cli/options.h"

/* Lists the registered models, one `name<TAB>description` per line. */
int cmd_models(int argc, char **argv)
{
	const struct cli_option no_options[] = { { NULL } };
	const struct cli_command cmd = {
		.name = "models", .about = "Lists the allocator models, one NAME<TAB>DESCRIPTION a line.",
		.options = no_options,
	};
	int first_arg, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	for (size_t i = 0; i < vm_allocator_count; i++)
		printf("%s\t%s\n", vm_allocators[i]->name, vm_allocators[i]->description);
	return 0;
}
