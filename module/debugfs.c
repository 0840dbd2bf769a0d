// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/avcpu: health checks of EL2 for tests and people.
 *
 *   cpus           one line per online CPU, answered from EL2 itself (ping)
 *   fault_test     makes EL2 fault on purpose and shows the report it returns
 *   stub_contract  exercises the hyp-stub calls the kernel may make while avcpu owns EL2
 *   flush_fault    0, or pretend TLB flushes fail: 1 on the calling CPU, 2 on every CPU
 *   leaked_pages   pages kept allocated for good because no CPU could flush the TLB
 *   mitigations    per CPU: what EL2 does on guest exit there, and why (mitigations.c)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <asm/virt.h>

#include "avcpu.h"
#include "el2.h"
#include "hyp_call.h"
#include "mitigations.h"

static struct dentry *avcpu_debugfs_dir;

struct avcpu_ping {
	struct avcpu_hvc_res owner, ping;
};

static void avcpu_ping_cpu(void *arg)
{
	struct avcpu_ping *p = arg;

	p->owner = avcpu_hvc(HVC_STUB_HCALL_NR, 0, 0, 0, 0);
	if (p->owner.a0 == AVCPU_HYP_OWNER_MAGIC)
		p->ping = avcpu_hvc(AVCPU_HC_PING, 0, 0, 0, 0);
}

static const char *avcpu_owner_name(unsigned long answer)
{
	if (answer == AVCPU_HYP_OWNER_MAGIC)
		return "avcpu";
	if (answer == HVC_STUB_ERR)
		return "stub";
	return "other";
}

static int avcpu_cpus_show(struct seq_file *m, void *unused)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct avcpu_hyp_percpu *data = per_cpu_ptr(avcpu_hyp.cpu, cpu)->data;
		struct avcpu_ping p = {};

		smp_call_function_single(cpu, avcpu_ping_cpu, &p, 1);
		seq_printf(m,
			   "cpu%u owner=%s status=%ld el=%lu vbar=%#lx vectors=%#llx sctlr=%#lx mmu=%lu host_calls=%llu faults=%llu\n",
			   cpu, avcpu_owner_name(p.owner.a0), (long)p.ping.a0, p.ping.a1 >> 2,
			   p.ping.a2, avcpu_hyp.image_pa + avcpu_hyp.hdr.vectors, p.ping.a3,
			   p.ping.a3 & 1, READ_ONCE(data->host_calls), READ_ONCE(data->fault_count));
	}
	cpus_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(avcpu_cpus);

static int avcpu_fault_test_show(struct seq_file *m, void *unused)
{
	struct avcpu_hvc_res res, ping;
	phys_addr_t guard;
	unsigned int cpu;

	cpu = get_cpu();
	/* The guard page below this CPU's EL2 stack: never mapped at EL2. */
	guard = virt_to_phys(this_cpu_ptr(avcpu_hyp.cpu)->stack);
	res = avcpu_hvc(AVCPU_HC_TEST_FAULT, guard, 0, 0, 0);
	ping = avcpu_hvc(AVCPU_HC_PING, 0, 0, 0, 0);
	put_cpu();

	if ((long)res.a0 == AVCPU_HYP_EFAULT)
		pr_info("CPU%u: EL2 exception reported: ESR %#lx ELR %#lx (image+%#llx) FAR %#lx\n",
			cpu, res.a1, res.a2, res.a2 - avcpu_hyp.image_pa, res.a3);
	seq_printf(m,
		   "cpu=%u status=%ld esr=%#lx elr=%#lx far=%#lx expected_far=%#llx image_start=%#llx image_end=%#llx ping=%ld\n",
		   cpu, (long)res.a0, res.a1, res.a2, res.a3, (u64)guard, (u64)avcpu_hyp.image_pa,
		   avcpu_hyp.image_pa + avcpu_hyp.hdr.text_end, (long)ping.a0);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(avcpu_fault_test);

struct avcpu_contract {
	struct avcpu_hvc_res set_vectors, reset, stub_after_reset, soft_restart,
		stub_after_soft_restart, ping;
	int reinstall1, reinstall2;
};

/* Runs with interrupts off on one CPU: EL2 is the stub's for a moment in between. */
static void avcpu_stub_contract_cpu(void *arg)
{
	struct avcpu_contract *c = arg;
	phys_addr_t probe = avcpu_hyp_pa(&avcpu_hyp, avcpu_hyp.hdr.soft_restart_probe);

	c->set_vectors = avcpu_hvc(HVC_SET_VECTORS, probe, 0, 0, 0);
	c->reset = avcpu_hvc(HVC_RESET_VECTORS, 0, 0, 0, 0);
	c->stub_after_reset = avcpu_hvc(HVC_STUB_HCALL_NR, 0, 0, 0, 0);
	c->reinstall1 = avcpu_el2_install_here();
	/* The probe returns x0 = x2 + 1, x1 = CurrentEL, x2 = SCTLR_EL2, x3 = x3. */
	c->soft_restart = avcpu_hvc(HVC_SOFT_RESTART, probe, 41, 7, 0);
	c->stub_after_soft_restart = avcpu_hvc(HVC_STUB_HCALL_NR, 0, 0, 0, 0);
	c->reinstall2 = avcpu_el2_install_here();
	c->ping = avcpu_hvc(AVCPU_HC_PING, 0, 0, 0, 0);
}

static int avcpu_stub_contract_show(struct seq_file *m, void *unused)
{
	struct avcpu_contract c = {};
	unsigned int cpu = raw_smp_processor_id();

	smp_call_function_single(cpu, avcpu_stub_contract_cpu, &c, 1);
	seq_printf(m,
		   "cpu=%u set_vectors=%#lx reset=%ld stub_after_reset=%#lx reinstall1=%d soft_restart_x0=%lu soft_restart_el=%lu soft_restart_sctlr=%#lx soft_restart_x3=%lu stub_after_soft_restart=%#lx reinstall2=%d ping=%ld\n",
		   cpu, c.set_vectors.a0, (long)c.reset.a0, c.stub_after_reset.a0, c.reinstall1,
		   c.soft_restart.a0, c.soft_restart.a1 >> 2, c.soft_restart.a2, c.soft_restart.a3,
		   c.stub_after_soft_restart.a0, c.reinstall2, (long)c.ping.a0);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(avcpu_stub_contract);

static int avcpu_leaked_get(void *data, u64 *val)
{
	*val = atomic_long_read(&avcpu_leaked_pages);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(avcpu_leaked_fops, avcpu_leaked_get, NULL, "%llu\n");

static int avcpu_flush_fault_get(void *data, u64 *val)
{
	*val = READ_ONCE(avcpu_flush_fault);
	return 0;
}

static int avcpu_flush_fault_set(void *data, u64 val)
{
	if (val > AVCPU_FLUSH_FAULT_ALL)
		return -EINVAL;
	WRITE_ONCE(avcpu_flush_fault, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(avcpu_flush_fault_fops, avcpu_flush_fault_get, avcpu_flush_fault_set,
			 "%llu\n");
static int avcpu_mitigations_file_show(struct seq_file *m, void *unused)
{
	cpus_read_lock();
	avcpu_mitigations_show(m);
	cpus_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(avcpu_mitigations_file);

int avcpu_debugfs_init(void)
{
	avcpu_debugfs_dir = debugfs_create_dir("avcpu", NULL);
	debugfs_create_file("cpus", 0400, avcpu_debugfs_dir, NULL, &avcpu_cpus_fops);
	debugfs_create_file("fault_test", 0400, avcpu_debugfs_dir, NULL, &avcpu_fault_test_fops);
	debugfs_create_file("stub_contract", 0400, avcpu_debugfs_dir, NULL,
			    &avcpu_stub_contract_fops);
	debugfs_create_file_unsafe("flush_fault", 0600, avcpu_debugfs_dir, NULL,
				   &avcpu_flush_fault_fops);
	debugfs_create_file_unsafe("leaked_pages", 0400, avcpu_debugfs_dir, NULL,
				   &avcpu_leaked_fops);
	debugfs_create_file("mitigations", 0400, avcpu_debugfs_dir, NULL,
			    &avcpu_mitigations_file_fops);
	return 0;
}

void avcpu_debugfs_exit(void)
{
	debugfs_remove_recursive(avcpu_debugfs_dir);
}
