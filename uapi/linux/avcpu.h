/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * avcpu: the userspace API of /dev/avcpu.
 *
 * Usable from C and C++. Every structure has fixed-size fields and explicit padding; see
 * Documentation/api.rst for the meaning of each field and the errno of each failure.
 *
 *   /dev/avcpu   AVCPU_GET_API_VERSION, AVCPU_CHECK_CAP, AVCPU_CREATE_VM,
 *                AVCPU_GET_VCPU_MMAP_SIZE
 *   VM fd        AVCPU_SET_MEMORY_REGION, AVCPU_CREATE_VCPU, AVCPU_GET_VCPU_MMAP_SIZE,
 *                AVCPU_TRANSLATE_GPA, AVCPU_SET_VM_CONFIG, AVCPU_SET_SMC_POLICY,
 *                AVCPU_IRQ_LINE, AVCPU_GET_VM_STATS, AVCPU_CREATE_VGIC, AVCPU_GET_VGIC_IRQ,
 *                AVCPU_IOEVENTFD, AVCPU_IRQFD
 *   vCPU fd      AVCPU_RUN, AVCPU_GET_REGS, AVCPU_SET_REGS, AVCPU_GET_ONE_REG,
 *                AVCPU_SET_ONE_REG, AVCPU_GET_REG_LIST, AVCPU_GET_POWER_STATE,
 *                AVCPU_SET_POWER_STATE, AVCPU_GET_VCPU_STATS, mmap() of struct avcpu_run
 */
#ifndef _UAPI_LINUX_AVCPU_H
#define _UAPI_LINUX_AVCPU_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Bumped on any incompatible change; AVCPU_GET_API_VERSION returns it. */
#define AVCPU_API_VERSION	1

#define AVCPUIO			0xB7

/* /dev/avcpu */
#define AVCPU_GET_API_VERSION	_IO(AVCPUIO, 0x00)
#define AVCPU_CREATE_VM		_IO(AVCPUIO, 0x01)	/* arg: flags, 0; returns a VM fd */
#define AVCPU_CHECK_CAP		_IO(AVCPUIO, 0x02)	/* arg: AVCPU_CAP_*; returns >= 0 */
#define AVCPU_GET_VCPU_MMAP_SIZE _IO(AVCPUIO, 0x03)	/* also on a VM fd */

/* Capabilities: AVCPU_CHECK_CAP returns 0 for "no", else a value. */
#define AVCPU_CAP_MAX_VCPUS	1	/* vCPUs per VM */
#define AVCPU_CAP_MAX_MEM_SLOTS	2	/* memory slots per VM */
#define AVCPU_CAP_IPA_BITS	3	/* guest physical address size */
#define AVCPU_CAP_READONLY_MEM	4	/* AVCPU_MEM_READONLY; writes exit as MMIO */
#define AVCPU_CAP_IMMEDIATE_EXIT 5	/* struct avcpu_run.immediate_exit */
#define AVCPU_CAP_MAX_VMS	6	/* VMs at once (one VMID each) */
#define AVCPU_CAP_PSCI_VERSION	7	/* in-kernel PSCI: (major << 16) | minor */
#define AVCPU_CAP_SMC_RANGES	8	/* ranges in struct avcpu_smc_policy */
#define AVCPU_CAP_IRQ_LINE	9	/* AVCPU_IRQ_LINE: bit n set = AVCPU_IRQ_TYPE n works */
#define AVCPU_CAP_VM_STATS	10	/* AVCPU_GET_VM_STATS */
#define AVCPU_CAP_VGIC		11	/* AVCPU_CREATE_VGIC: the most SPIs a vGIC can have */
#define AVCPU_CAP_IOEVENTFD	12	/* AVCPU_IOEVENTFD: the most bindings per VM */
#define AVCPU_CAP_IRQFD		13	/* AVCPU_IRQFD: the most bindings per VM (0: no vGIC) */

/* VM fd */
struct avcpu_memory_region {
	__u32 slot;
	__u32 flags;			/* AVCPU_MEM_* */
	__u64 guest_phys_addr;
	__u64 memory_size;		/* 0 deletes the slot */
	__u64 userspace_addr;
};
#define AVCPU_MEM_READONLY	(1U << 0)
#define AVCPU_MEM_PREFAULT	(1U << 1)	/* pin and map it all now, not on first touch */

#define AVCPU_SET_MEMORY_REGION	_IOW(AVCPUIO, 0x10, struct avcpu_memory_region)
#define AVCPU_CREATE_VCPU	_IO(AVCPUIO, 0x11)	/* arg: vCPU id; returns a vCPU fd */

/* Debug: how a guest physical address is mapped at stage 2. */
struct avcpu_translation {
	__u64 guest_phys_addr;		/* in */
	__u64 level;			/* out: 1 (1 GiB block), 2 (2 MiB block), 3 (page) */
	__u64 flags;			/* out: AVCPU_TRANSLATE_* */
	__u64 reserved;
};
#define AVCPU_TRANSLATE_MAPPED	(1ULL << 0)
#define AVCPU_TRANSLATE_WRITABLE (1ULL << 1)
#define AVCPU_TRANSLATE_GPA	_IOWR(AVCPUIO, 0x12, struct avcpu_translation)

/*
 * VM-wide behaviour, set before the first vCPU is created (EBUSY after).
 *   AVCPU_VM_PSCI_USER: PSCI calls are not served in the kernel: CPU_ON, CPU_OFF and
 *     SYSTEM_* arrive as exits, the rest as hypercall exits; userspace starts and stops
 *     vCPUs with AVCPU_SET_POWER_STATE.
 *   AVCPU_VM_WFI_EXIT: WFI exits to userspace instead of sleeping in the kernel.
 */
struct avcpu_vm_config {
	__u64 flags;
	__u64 reserved[7];
};
#define AVCPU_VM_PSCI_USER	(1ULL << 0)
#define AVCPU_VM_WFI_EXIT	(1ULL << 1)
#define AVCPU_SET_VM_CONFIG	_IOW(AVCPUIO, 0x13, struct avcpu_vm_config)

/*
 * SMCs from the guest always trap. A call the kernel serves itself (in-kernel PSCI) is
 * served; otherwise the first range containing the function ID decides: ALLOW forwards it
 * to the firmware on the calling CPU, DENY answers SMCCC NOT_SUPPORTED without an exit.
 * No range: a hypercall exit flagged AVCPU_HYPERCALL_SMC. Ranges that include a PSCI call
 * changing power state cannot be ALLOW (EPERM). Set before the first vCPU (EBUSY after).
 */
#define AVCPU_SMC_MAX_RANGES	16
struct avcpu_smc_range {
	__u32 first;		/* SMCCC function IDs, inclusive */
	__u32 last;
	__u32 action;		/* AVCPU_SMC_ALLOW or AVCPU_SMC_DENY */
	__u32 pad;
};
#define AVCPU_SMC_ALLOW		1
#define AVCPU_SMC_DENY		2
struct avcpu_smc_policy {
	__u32 nr_ranges;
	__u32 pad;
	struct avcpu_smc_range ranges[AVCPU_SMC_MAX_RANGES];
};
#define AVCPU_SET_SMC_POLICY	_IOW(AVCPUIO, 0x14, struct avcpu_smc_policy)

/*
 * Drives an interrupt line of the VM: level 1 asserts it, 0 deasserts it. Lines are
 * level-sensitive and stay as set until changed, across RUNs and CPU_ON resets.
 * irq = type << 24 | vCPU id << 16 | number.
 *
 * AVCPU_IRQ_TYPE_CPU: the vCPU's own IRQ (number 0) or FIQ (number 1) input, with no
 * interrupt controller in between (HCR_EL2.VI/VF, Arm ARM D1.3.6 "Virtual interrupts").
 * The guest takes it at its VBAR_EL1 when PSTATE.I/F allow; ISR_EL1 shows it pending
 * either way; it ends a WFI. A device model acknowledges by deasserting the line.
 *
 * AVCPU_IRQ_TYPE_SPI (needs a vGIC): number = the INTID, 32 up to 32 + nr_spis - 1; the
 * vCPU field must be 0. The line's level goes to the vGIC's distributor: a level-sensitive
 * SPI stays pending while the line is high (and is pending again after the guest ends it),
 * an edge-triggered one becomes pending on each rising edge.
 * AVCPU_IRQ_TYPE_PPI (needs a vGIC): number = the INTID, 16 to 31, of that vCPU's
 * redistributor; the timer PPIs 27 and 30 belong to the kernel (EINVAL).
 * Without a vGIC these two fail with ENXIO; with one, TYPE_CPU fails with EBUSY.
 */
struct avcpu_irq_level {
	__u32 irq;
	__u32 level;			/* 0 or 1 */
};
#define AVCPU_IRQ_TYPE_SHIFT	24
#define AVCPU_IRQ_VCPU_SHIFT	16
#define AVCPU_IRQ_TYPE_CPU	0
#define AVCPU_IRQ_TYPE_SPI	1
#define AVCPU_IRQ_TYPE_PPI	2
#define AVCPU_IRQ_CPU_IRQ	0
#define AVCPU_IRQ_CPU_FIQ	1
#define AVCPU_IRQ(type, vcpu, num) \
	(((__u32)(type) << AVCPU_IRQ_TYPE_SHIFT) | ((__u32)(vcpu) << AVCPU_IRQ_VCPU_SHIFT) | \
	 (__u32)(num))
#define AVCPU_IRQ_LINE		_IOW(AVCPUIO, 0x15, struct avcpu_irq_level)

/*
 * An in-kernel GICv3 (Documentation/api.rst, "The vGIC"): the distributor (64 KiB at
 * dist_base) and nr_redists redistributors (128 KiB each, RD then SGI frame, from
 * redist_base; frame n belongs to vCPU id n) are emulated in the kernel, the CPU interface
 * is the hardware's virtual one. Both bases 64 KiB aligned, inside the IPA space, clear of
 * every memory slot and of each other (EINVAL); nr_spis a multiple of 32 from 32 to
 * AVCPU_CHECK_CAP(AVCPU_CAP_VGIC) (EINVAL); nr_redists 1 to AVCPU_CAP_MAX_VCPUS and above
 * every vCPU id already created (EINVAL). Before the first RUN of any vCPU (EBUSY after),
 * once per VM (EEXIST). ENODEV when the host's GIC cannot be shared this way.
 */
struct avcpu_vgic_config {
	__u64 dist_base;
	__u64 redist_base;
	__u32 nr_spis;
	__u32 nr_redists;
	__u64 reserved[4];		/* must be 0 */
};
#define AVCPU_VGIC_DIST_SIZE	0x10000ULL
#define AVCPU_VGIC_REDIST_SIZE	0x20000ULL	/* per vCPU */
#define AVCPU_CREATE_VGIC	_IOW(AVCPUIO, 0x17, struct avcpu_vgic_config)

/*
 * One interrupt's state as the vGIC holds it (for tests and debugging). In: intid, and
 * vcpu for an SGI or PPI (0-31). The state is the one after the vCPU's last exit: an
 * interrupt the guest acknowledged since then still shows as pending.
 */
struct avcpu_vgic_irq {
	__u32 intid;			/* in */
	__u32 vcpu;			/* in: SGIs and PPIs */
	__u8 enabled;
	__u8 pending;			/* latched, or a level-sensitive line that is high */
	__u8 active;
	__u8 level;			/* the input line */
	__u8 edge;			/* 1: edge-triggered, 0: level-sensitive */
	__u8 group;
	__u8 priority;
	__u8 pad;
	__u64 route;			/* SPIs: GICD_IROUTER (affinity) */
	__u32 target;			/* the vCPU it is delivered to, or ~0U: none */
	__u32 pad2;
	__u64 reserved[2];
};
#define AVCPU_GET_VGIC_IRQ	_IOWR(AVCPUIO, 0x18, struct avcpu_vgic_irq)

/*
 * An eventfd bound to a guest physical address (Documentation/api.rst, "Eventfds"): a
 * guest write there of len bytes (0: any width) signals fd, and the guest goes on without
 * an exit to userspace. With AVCPU_IOEVENTFD_DATAMATCH only a write of the value datamatch
 * does. AVCPU_IOEVENTFD_DEASSIGN removes the binding of the same addr, len and datamatch
 * (fd is not looked at).
 */
struct avcpu_ioeventfd {
	__u64 addr;
	__u64 datamatch;
	__u32 len;			/* 1, 2, 4, 8, or 0 for any width */
	__s32 fd;
	__u32 flags;			/* AVCPU_IOEVENTFD_* */
	__u32 pad;			/* must be 0 */
	__u64 reserved[2];		/* must be 0 */
};
#define AVCPU_IOEVENTFD_DATAMATCH	(1U << 0)
#define AVCPU_IOEVENTFD_DEASSIGN	(1U << 1)
#define AVCPU_IOEVENTFD		_IOW(AVCPUIO, 0x19, struct avcpu_ioeventfd)

/*
 * An eventfd bound to an SPI of the vGIC: signalling fd raises INTID intid. Without
 * AVCPU_IRQFD_RESAMPLE, a pulse (for an edge-triggered SPI); with it, the line stays high
 * until the guest ends the interrupt, then it is lowered and resample_fd signalled (for a
 * level-sensitive SPI). AVCPU_IRQFD_DEASSIGN removes the binding of intid.
 */
struct avcpu_irqfd {
	__s32 fd;
	__s32 resample_fd;		/* with AVCPU_IRQFD_RESAMPLE */
	__u32 intid;			/* an SPI: 32 .. 32 + nr_spis - 1 */
	__u32 flags;			/* AVCPU_IRQFD_* */
	__u64 reserved[2];		/* must be 0 */
};
#define AVCPU_IRQFD_RESAMPLE	(1U << 0)
#define AVCPU_IRQFD_DEASSIGN	(1U << 1)
#define AVCPU_IRQFD		_IOW(AVCPUIO, 0x1a, struct avcpu_irqfd)

/* vCPU fd */
struct avcpu_regs {
	__u64 x[31];
	__u64 sp_el0;
	__u64 pc;
	__u64 pstate;
	__u64 sp_el1;
	__u64 elr_el1;
	__u64 spsr_el1;
	__u64 reserved;
};

struct avcpu_one_reg {
	__u64 id;			/* AVCPU_REG_* */
	__u64 addr;			/* user pointer to 8 or 16 bytes (AVCPU_REG_SIZE) */
};

struct avcpu_reg_list {
	__u64 n;			/* in: room in reg[]; out: number of ids */
	__u64 reg[];
};

/*
 * Register ids: bits 63:56 the class, 55:52 log2 of the size in bytes, low bits the
 * register within the class.
 *   AVCPU_REG_SYS(op0, op1, CRn, CRm, op2)  an EL1 system register by its encoding
 *   AVCPU_REG_V(n)                          FP/SIMD register Vn, 128 bits
 *   AVCPU_REG_FPSR, AVCPU_REG_FPCR          FP status and control, 64 bits
 */
#define AVCPU_REG_CLASS_SHIFT	56
#define AVCPU_REG_SIZE_SHIFT	52
#define AVCPU_REG_CLASS_SYS	0x10ULL
#define AVCPU_REG_CLASS_FP	0x20ULL
#define AVCPU_REG_SIZE_U64	(3ULL << AVCPU_REG_SIZE_SHIFT)
#define AVCPU_REG_SIZE_U128	(4ULL << AVCPU_REG_SIZE_SHIFT)
#define AVCPU_REG_SIZE(id)	(1U << (((id) >> AVCPU_REG_SIZE_SHIFT) & 0xf))

#define AVCPU_REG_SYS(op0, op1, crn, crm, op2) \
	((AVCPU_REG_CLASS_SYS << AVCPU_REG_CLASS_SHIFT) | AVCPU_REG_SIZE_U64 | \
	 ((__u64)(op0) << 14) | ((__u64)(op1) << 11) | ((__u64)(crn) << 7) | \
	 ((__u64)(crm) << 3) | (__u64)(op2))
#define AVCPU_REG_V(n) \
	((AVCPU_REG_CLASS_FP << AVCPU_REG_CLASS_SHIFT) | AVCPU_REG_SIZE_U128 | (__u64)(n))
#define AVCPU_REG_FPSR \
	((AVCPU_REG_CLASS_FP << AVCPU_REG_CLASS_SHIFT) | AVCPU_REG_SIZE_U64 | 32)
#define AVCPU_REG_FPCR \
	((AVCPU_REG_CLASS_FP << AVCPU_REG_CLASS_SHIFT) | AVCPU_REG_SIZE_U64 | 33)

/* The EL1 system registers with an id (AVCPU_GET_REG_LIST lists them all). */
#define AVCPU_REG_MPIDR_EL1	AVCPU_REG_SYS(3, 0, 0, 0, 5)
#define AVCPU_REG_SCTLR_EL1	AVCPU_REG_SYS(3, 0, 1, 0, 0)
#define AVCPU_REG_CPACR_EL1	AVCPU_REG_SYS(3, 0, 1, 0, 2)
#define AVCPU_REG_TTBR0_EL1	AVCPU_REG_SYS(3, 0, 2, 0, 0)
#define AVCPU_REG_TTBR1_EL1	AVCPU_REG_SYS(3, 0, 2, 0, 1)
#define AVCPU_REG_TCR_EL1	AVCPU_REG_SYS(3, 0, 2, 0, 2)
#define AVCPU_REG_AFSR0_EL1	AVCPU_REG_SYS(3, 0, 5, 1, 0)
#define AVCPU_REG_AFSR1_EL1	AVCPU_REG_SYS(3, 0, 5, 1, 1)
#define AVCPU_REG_ESR_EL1	AVCPU_REG_SYS(3, 0, 5, 2, 0)
#define AVCPU_REG_FAR_EL1	AVCPU_REG_SYS(3, 0, 6, 0, 0)
#define AVCPU_REG_PAR_EL1	AVCPU_REG_SYS(3, 0, 7, 4, 0)
#define AVCPU_REG_MAIR_EL1	AVCPU_REG_SYS(3, 0, 10, 2, 0)
#define AVCPU_REG_AMAIR_EL1	AVCPU_REG_SYS(3, 0, 10, 3, 0)
#define AVCPU_REG_VBAR_EL1	AVCPU_REG_SYS(3, 0, 12, 0, 0)
#define AVCPU_REG_CONTEXTIDR_EL1 AVCPU_REG_SYS(3, 0, 13, 0, 1)
#define AVCPU_REG_TPIDR_EL1	AVCPU_REG_SYS(3, 0, 13, 0, 4)
#define AVCPU_REG_CNTKCTL_EL1	AVCPU_REG_SYS(3, 0, 14, 1, 0)
#define AVCPU_REG_CSSELR_EL1	AVCPU_REG_SYS(3, 2, 0, 0, 0)
#define AVCPU_REG_TPIDR_EL0	AVCPU_REG_SYS(3, 3, 13, 0, 2)
#define AVCPU_REG_TPIDRRO_EL0	AVCPU_REG_SYS(3, 3, 13, 0, 3)
#define AVCPU_REG_CNTV_CTL_EL0	AVCPU_REG_SYS(3, 3, 14, 3, 1)
#define AVCPU_REG_CNTV_CVAL_EL0	AVCPU_REG_SYS(3, 3, 14, 3, 2)
#define AVCPU_REG_MDSCR_EL1	AVCPU_REG_SYS(2, 0, 0, 2, 2)
#define AVCPU_REG_SP_EL1	AVCPU_REG_SYS(3, 4, 4, 1, 0)
#define AVCPU_REG_ELR_EL1	AVCPU_REG_SYS(3, 0, 4, 0, 1)
#define AVCPU_REG_SPSR_EL1	AVCPU_REG_SYS(3, 0, 4, 0, 0)
/* The guest's virtual counter offset (CNTVOFF_EL2): CNTVCT = CNTPCT - offset. */
#define AVCPU_REG_CNTVOFF	AVCPU_REG_SYS(3, 4, 14, 0, 3)

#define AVCPU_RUN		_IO(AVCPUIO, 0x20)
#define AVCPU_GET_REGS		_IOR(AVCPUIO, 0x21, struct avcpu_regs)
#define AVCPU_SET_REGS		_IOW(AVCPUIO, 0x22, struct avcpu_regs)
#define AVCPU_GET_ONE_REG	_IOW(AVCPUIO, 0x23, struct avcpu_one_reg)
#define AVCPU_SET_ONE_REG	_IOW(AVCPUIO, 0x24, struct avcpu_one_reg)
#define AVCPU_GET_REG_LIST	_IOWR(AVCPUIO, 0x25, struct avcpu_reg_list)

/*
 * A vCPU's power state (PSCI's view). A vCPU that is OFF sleeps in RUN until it is turned
 * on (or a signal arrives). Setting AVCPU_POWER_ON with AVCPU_POWER_RESET resets the vCPU
 * as PSCI CPU_ON does: PC = entry, x0 = context, EL1h, interrupts masked, MMU off.
 */
struct avcpu_power_state {
	__u32 state;		/* AVCPU_POWER_ON or AVCPU_POWER_OFF */
	__u32 flags;		/* AVCPU_POWER_RESET */
	__u64 entry;
	__u64 context;
	__u64 reserved;
};
#define AVCPU_POWER_ON		0
#define AVCPU_POWER_OFF		1
#define AVCPU_POWER_RESET	(1U << 0)
#define AVCPU_GET_POWER_STATE	_IOR(AVCPUIO, 0x26, struct avcpu_power_state)
#define AVCPU_SET_POWER_STATE	_IOW(AVCPUIO, 0x27, struct avcpu_power_state)

/* Counters since the vCPU was created. exits[] is indexed by AVCPU_EXIT_*. */
#define AVCPU_EXIT_MAX		16
struct avcpu_vcpu_stats {
	__u64 exits[AVCPU_EXIT_MAX];	/* exits to userspace, by reason */
	__u64 host_irqs;		/* host interrupts taken while the guest ran */
	__u64 wfi_sleeps;		/* times the vCPU slept for WFI, PSCI suspend or off */
	__u64 el2_exits;		/* every guest exit, handled anywhere */
	__u64 psci_calls;		/* PSCI calls served in the kernel */
	__u64 smc_forwarded;		/* SMCs forwarded to firmware */
	__u64 sysreg_emulated;		/* system-register traps handled at EL2 */
	__u64 guest_ns;			/* time in the guest, nanoseconds */
	__u64 irq_changes;		/* AVCPU_IRQ_LINE calls that changed one of its lines */
	__u64 vgic_injected;		/* interrupts put into its list registers */
	__u64 vgic_lr_overflows;	/* entries with more to deliver than list registers */
	__u64 vgic_maintenance;		/* maintenance interrupts (list-register underflow) */
	__u64 vgic_sgis;		/* SGIs it sent (ICC_SGI1R_EL1 writes, in the kernel) */
	__u64 vgic_mmio;		/* distributor/redistributor accesses served in the kernel */
	__u64 timer_irqs;		/* timer interrupts it acknowledged (virtual + physical) */
	__u64 aborts_injected;		/* external aborts it took (fetches from nowhere) */
	__u64 ioeventfd_writes;		/* MMIO writes served by an ioeventfd (AVCPU_IOEVENTFD) */
	__u64 wfi_polls;		/* WFIs ended while it polled, without a sleep */
};
#define AVCPU_GET_VCPU_STATS	_IOR(AVCPUIO, 0x28, struct avcpu_vcpu_stats)

/*
 * VM fd: counters since the VM was created. total sums struct avcpu_vcpu_stats over every
 * vCPU the VM has had, closed ones included.
 */
struct avcpu_vm_stats {
	__u64 vcpus;			/* vCPUs open now */
	__u64 vcpus_created;		/* vCPUs ever created */
	__u64 memory_slots;		/* memory slots in use */
	__u64 memory_bytes;		/* guest memory they pin */
	__u64 stage2_tables;		/* pages of stage-2 translation tables */
	__u64 reserved[3];
	struct avcpu_vcpu_stats total;
};
#define AVCPU_GET_VM_STATS	_IOR(AVCPUIO, 0x16, struct avcpu_vm_stats)

/* Exit reasons (struct avcpu_run.exit_reason). */
#define AVCPU_EXIT_NONE		0
#define AVCPU_EXIT_MMIO		1	/* .mmio */
#define AVCPU_EXIT_MMIO_NO_SYNDROME 2	/* .mmio_no_syndrome: ISV = 0, not decoded */
#define AVCPU_EXIT_HYPERCALL	3	/* .hypercall */
#define AVCPU_EXIT_EXCEPTION	4	/* .exception: nothing handled it */
#define AVCPU_EXIT_INTR		5	/* a signal, or immediate_exit: no guest state changed */
#define AVCPU_EXIT_SYSREG	6	/* .sysreg: an MSR/MRS the kernel does not handle */
#define AVCPU_EXIT_SYSTEM_EVENT	7	/* .system_event: PSCI SYSTEM_OFF/RESET/RESET2 */
#define AVCPU_EXIT_CPU_ON	8	/* .psci: CPU_ON with userspace PSCI */
#define AVCPU_EXIT_CPU_OFF	9	/* .psci: CPU_OFF with userspace PSCI */
#define AVCPU_EXIT_WFI		10	/* WFI with AVCPU_VM_WFI_EXIT; PC is past it */

#define AVCPU_HYPERCALL_SMC	(1ULL << 0)

#define AVCPU_SYSTEM_EVENT_OFF	1
#define AVCPU_SYSTEM_EVENT_RESET 2
#define AVCPU_SYSTEM_EVENT_RESET2 3

/* Shared with the kernel by mmap() of a vCPU fd, AVCPU_GET_VCPU_MMAP_SIZE bytes. */
struct avcpu_run {
	/* in */
	__u8 immediate_exit;		/* RUN returns -EINTR at once (see the kick pattern) */
	__u8 pad0[7];
	/* out */
	__u32 exit_reason;		/* AVCPU_EXIT_* */
	__u32 pad1;
	union {
		/*
		 * A guest load or store outside guest memory (or a store to read-only
		 * memory). For a read, put the value in data[] (little-endian, len bytes)
		 * before the next RUN: it completes the load (sign-extended or truncated as
		 * the instruction says) and advances the PC. A write advances on RUN too.
		 */
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;		/* 1, 2, 4 or 8 */
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		/* A data abort outside guest memory without a valid syndrome (ISV = 0). */
		struct {
			__u64 esr;
			__u64 phys_addr;
			__u64 far;
		} mmio_no_syndrome;
		/*
		 * HVC from the guest: its immediate and x0..x6. The PC is already past the
		 * HVC; ret[0..3] go to x0..x3 on the next RUN.
		 */
		struct {
			__u64 imm;
			__u64 args[7];
			__u64 ret[4];
			__u64 flags;		/* AVCPU_HYPERCALL_SMC: it was an SMC */
		} hypercall;
		/*
		 * MSR/MRS the kernel leaves to userspace. For a read, put the value in
		 * value before the next RUN; or set inject_undef to make the access
		 * UNDEFINED in the guest instead. The PC advances on the next RUN.
		 */
		struct {
			__u8 op0, op1, crn, crm, op2;
			__u8 rt;		/* 31: XZR */
			__u8 is_write;
			__u8 inject_undef;	/* in */
			__u64 value;		/* the value written, or (in) the value read */
		} sysreg;
		/* All vCPUs of the VM were stopped first. */
		struct {
			__u32 type;		/* AVCPU_SYSTEM_EVENT_* */
			__u32 pad;
			__u64 reset_type;	/* SYSTEM_RESET2's x1 */
			__u64 cookie;		/* SYSTEM_RESET2's x2 */
		} system_event;
		/* Userspace PSCI: the call's arguments; ret goes to x0 on the next RUN. */
		struct {
			__u64 function;
			__u64 target_mpidr;	/* CPU_ON */
			__u64 entry;		/* CPU_ON */
			__u64 context;		/* CPU_ON */
			__u64 ret;		/* in */
		} psci;
		/* A synchronous exception, SError or abort the kernel did not handle. */
		struct {
			__u64 esr;
			__u64 far;
			__u64 hpfar;
			__u64 pc;
			__u64 pstate;
		} exception;
		__u8 padding[256];
	};
};

#endif /* _UAPI_LINUX_AVCPU_H */
