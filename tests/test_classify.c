/* SPDX-License-Identifier: MIT */
/*
 * The allocation classifier (capture/classify.c) on kernel stacks.  The
 * stacks marked "captured" were recorded on this project's Linux 6.18
 * x86-64 machine (bpf_get_stack at vmalloc:alloc_vmap_area, symbolized
 * with /proc/kallsyms) while forking, creating BPF maps and loading BPF
 * programs.  The others follow the 6.18 call chains in mm/vmalloc.c,
 * mm/execmem.c and arch/x86/mm/ioremap.c, for paths this machine cannot
 * exercise (it has no modules and no ioremapping drivers to load).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capture/classify.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Asserts the kind and the caller's name (NULL: no caller). */
static void check(const char *const *frames, size_t n, enum vmt_kind kind,
		  const char *caller)
{
	struct vmt_class c = vmt_classify(frames, n);

	assert_string_equal(vmt_kind_name(c.kind), vmt_kind_name(kind));
	if (!caller) {
		assert_int_equal(c.caller, -1);
		return;
	}
	assert_true(c.caller >= 0 && (size_t)c.caller < n);
	assert_string_equal(frames[c.caller], caller);
}

/* Captured: fork(2) from bash; the stack is inlined into copy_process. */
static void test_fork_kernel_stack(void **state)
{
	static const char *const clone[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__vmalloc_node_noprof", "copy_process", "kernel_clone", "__do_sys_clone",
		"do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	};
	static const char *const kthread[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__vmalloc_node_noprof", "copy_process", "kernel_clone", "kernel_thread",
		"kthreadd", "ret_from_fork", "ret_from_fork_asm",
	};

	(void)state;
	check(clone, N(clone), VMT_KIND_KSTACK, "copy_process");
	check(kthread, N(kthread), VMT_KIND_KSTACK, "copy_process");
}

/* Captured: BPF program loads (verifier state, program image, tag). */
static void test_bpf_program_load(void **state)
{
	static const char *const prog_alloc[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__vmalloc_node_noprof", "bpf_prog_alloc_no_stats", "bpf_prog_alloc",
		"bpf_prog_load", "bpf_prog_load", "__sys_bpf", "__x64_sys_bpf",
		"do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	};
	static const char *const calc_tag[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__vmalloc_node_noprof", "bpf_prog_calc_tag", "resolve_pseudo_ldimm64",
		"bpf_check", "bpf_prog_load", "bpf_prog_load", "__sys_bpf", "__x64_sys_bpf",
		"do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	};

	(void)state;
	check(prog_alloc, N(prog_alloc), VMT_KIND_BPF, "bpf_prog_alloc_no_stats");
	check(calc_tag, N(calc_tag), VMT_KIND_BPF, "bpf_prog_calc_tag");
}

/* Captured: `bpftool map create` of a 400 KiB array and a hash map. */
static void test_bpf_map(void **state)
{
	static const char *const array[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__bpf_map_area_alloc", "array_map_alloc", "map_create", "__sys_bpf",
		"__x64_sys_bpf", "do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	};
	/* Two __vmalloc frames around each other, as captured. */
	static const char *const hash[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__vmalloc_node_noprof", "__vmalloc_node_range_noprof",
		"__bpf_map_area_alloc", "htab_map_alloc", "map_create", "__sys_bpf",
		"__x64_sys_bpf", "do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	};

	(void)state;
	check(array, N(array), VMT_KIND_BPF, "__bpf_map_area_alloc");
	check(hash, N(hash), VMT_KIND_BPF, "__bpf_map_area_alloc");
}

/* Captured: a BPF ring buffer map is vmap()ed pages: the API wins over
 * the BPF user, because the kind says how the area is mapped. */
static void test_ringbuf_vmap(void **state)
{
	static const char *const ringbuf[] = {
		"alloc_vmap_area", "__get_vm_area_node", "get_vm_area_caller", "vmap",
		"ringbuf_map_alloc", "map_create", "__sys_bpf", "__x64_sys_bpf",
		"do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	};

	(void)state;
	check(ringbuf, N(ringbuf), VMT_KIND_VMAP, "ringbuf_map_alloc");
}

/* Captured: percpu chunk metadata, from the balance worker and on behalf
 * of a BPF percpu map: percpu comes before bpf in the table. */
static void test_percpu_chunk(void **state)
{
	static const char *const worker[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__vmalloc_node_noprof", "pcpu_create_chunk", "pcpu_balance_workfn",
		"process_one_work", "worker_thread", "kthread", "ret_from_fork",
		"ret_from_fork_asm",
	};
	static const char *const for_bpf[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__vmalloc_node_noprof", "pcpu_create_chunk", "pcpu_alloc_noprof",
		"bpf_map_alloc_percpu", "array_map_alloc", "map_create", "__sys_bpf",
		"__x64_sys_bpf", "do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	};

	(void)state;
	check(worker, N(worker), VMT_KIND_PERCPU, "pcpu_create_chunk");
	check(for_bpf, N(for_bpf), VMT_KIND_PERCPU, "pcpu_create_chunk");
}

/* From the source: x86 ioremap, a module's text, vm_map_ram's block. */
static void test_source_call_chains(void **state)
{
	static const char *const ioremap[] = {
		"alloc_vmap_area", "__get_vm_area_node", "get_vm_area_caller",
		"__ioremap_caller", "ioremap", "acpi_os_map_iomem", "acpi_os_map_memory",
	};
	static const char *const module[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"execmem_vmalloc", "execmem_alloc", "module_memory_alloc", "load_module",
		"init_module_from_file",
	};
	static const char *const map_ram[] = {
		"alloc_vmap_area", "new_vmap_block", "vb_alloc", "vm_map_ram",
		"xfs_buf_alloc_backing_mem",
	};
	static const char *const jit[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"execmem_vmalloc", "execmem_alloc", "bpf_jit_alloc_exec", "alloc_new_pack",
		"bpf_prog_pack_alloc", "bpf_jit_binary_pack_alloc", "bpf_int_jit_compile",
	};

	(void)state;
	check(ioremap, N(ioremap), VMT_KIND_IOREMAP, "acpi_os_map_iomem");
	check(module, N(module), VMT_KIND_EXECMEM, "module_memory_alloc");
	check(map_ram, N(map_ram), VMT_KIND_VM_MAP_RAM, "xfs_buf_alloc_backing_mem");
	/* The BPF rows come before execmem: a JIT image is a BPF area. */
	check(jit, N(jit), VMT_KIND_BPF, "bpf_jit_alloc_exec");
}

/* Plain vmalloc users, compiler suffixes, holes and the bare allocator. */
static void test_generic_and_edges(void **state)
{
	static const char *const kvmalloc[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
		"__kvmalloc_node_noprof", "seq_read_iter.constprop.0", "vfs_read",
	};
	static const char *const suffixed[] = {
		"alloc_vmap_area", "__get_vm_area_node.constprop.0",
		"__vmalloc_node_range_noprof.cold", "copy_process.isra.0",
	};
	static const char *const holes[] = {
		NULL, "alloc_vmap_area", NULL, "__vmalloc_node_noprof", "xt_alloc_table_info",
	};
	static const char *const bare[] = {
		"alloc_vmap_area", "__get_vm_area_node", "get_vm_area", "some_driver_probe",
	};
	static const char *const internal_only[] = {
		"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
	};
	/* An exact row takes only its name ("vmap", not "vmapx_user"); a prefix
	 * row only names with its whole prefix ("bpf_*", not "bpfilter"). */
	static const char *const near_miss[] = { "alloc_vmap_area", "vmapx_user", "bpfilter" };

	(void)state;
	check(kvmalloc, N(kvmalloc), VMT_KIND_VMALLOC, "seq_read_iter.constprop.0");
	check(suffixed, N(suffixed), VMT_KIND_KSTACK, "copy_process.isra.0");
	check(holes, N(holes), VMT_KIND_VMALLOC, "xt_alloc_table_info");
	check(bare, N(bare), VMT_KIND_OTHER, "some_driver_probe");
	check(internal_only, N(internal_only), VMT_KIND_VMALLOC, NULL);
	check(near_miss, N(near_miss), VMT_KIND_OTHER, "vmapx_user");
	check(NULL, 0, VMT_KIND_OTHER, NULL);
}

static void test_kind_names(void **state)
{
	static const char *const expect[VMT_KIND_COUNT] = {
		"other", "vmalloc", "ioremap", "vmap", "vm_map_ram", "kstack", "bpf",
		"execmem", "percpu",
	};

	(void)state;
	for (int k = 0; k < VMT_KIND_COUNT; k++)
		assert_string_equal(vmt_kind_name(k), expect[k]);
	assert_string_equal(vmt_kind_name(VMT_KIND_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_kernel_stack),
		cmocka_unit_test(test_bpf_program_load),
		cmocka_unit_test(test_bpf_map),
		cmocka_unit_test(test_ringbuf_vmap),
		cmocka_unit_test(test_percpu_chunk),
		cmocka_unit_test(test_source_call_chains),
		cmocka_unit_test(test_generic_and_edges),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
