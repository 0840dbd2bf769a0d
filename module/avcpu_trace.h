/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of avcpu (ftrace, perf record -e 'avcpu:*'). Defined the way an
 * out-of-tree module must: TRACE_INCLUDE_PATH points at this directory.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM avcpu

#if !defined(AVCPU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define AVCPU_TRACE_H

#include <linux/tracepoint.h>

/* A vCPU enters the guest (one RUN hypercall to EL2). */
TRACE_EVENT(avcpu_entry,
	TP_PROTO(unsigned int vmid, unsigned int vcpu, u64 pc),
	TP_ARGS(vmid, vcpu, pc),
	TP_STRUCT__entry(
		__field(unsigned int, vmid)
		__field(unsigned int, vcpu)
		__field(u64, pc)
	),
	TP_fast_assign(
		__entry->vmid = vmid;
		__entry->vcpu = vcpu;
		__entry->pc = pc;
	),
	TP_printk("vm %u vcpu %u pc %#llx", __entry->vmid, __entry->vcpu, __entry->pc)
);

/* The guest left; reason is an AVCPU_EXIT_* (or 100+ for exits the kernel handles). */
TRACE_EVENT(avcpu_exit,
	TP_PROTO(unsigned int vmid, unsigned int vcpu, u32 reason, u64 esr, u64 pc, u64 ipa),
	TP_ARGS(vmid, vcpu, reason, esr, pc, ipa),
	TP_STRUCT__entry(
		__field(unsigned int, vmid)
		__field(unsigned int, vcpu)
		__field(u32, reason)
		__field(u64, esr)
		__field(u64, pc)
		__field(u64, ipa)
	),
	TP_fast_assign(
		__entry->vmid = vmid;
		__entry->vcpu = vcpu;
		__entry->reason = reason;
		__entry->esr = esr;
		__entry->pc = pc;
		__entry->ipa = ipa;
	),
	TP_printk("vm %u vcpu %u reason %u esr %#llx pc %#llx ipa %#llx", __entry->vmid,
		  __entry->vcpu, __entry->reason, __entry->esr, __entry->pc, __entry->ipa)
);

TRACE_EVENT(avcpu_mmio,
	TP_PROTO(unsigned int vcpu, u64 ipa, u32 len, bool write, u64 data),
	TP_ARGS(vcpu, ipa, len, write, data),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu)
		__field(u64, ipa)
		__field(u32, len)
		__field(bool, write)
		__field(u64, data)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu;
		__entry->ipa = ipa;
		__entry->len = len;
		__entry->write = write;
		__entry->data = data;
	),
	TP_printk("vcpu %u %s %#llx len %u data %#llx", __entry->vcpu,
		  __entry->write ? "write" : "read", __entry->ipa, __entry->len, __entry->data)
);

TRACE_EVENT(avcpu_hypercall,
	TP_PROTO(unsigned int vcpu, bool smc, u16 imm, u64 x0),
	TP_ARGS(vcpu, smc, imm, x0),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu)
		__field(bool, smc)
		__field(u16, imm)
		__field(u64, x0)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu;
		__entry->smc = smc;
		__entry->imm = imm;
		__entry->x0 = x0;
	),
	TP_printk("vcpu %u %s #%#x x0 %#llx", __entry->vcpu, __entry->smc ? "smc" : "hvc",
		  __entry->imm, __entry->x0)
);

TRACE_EVENT(avcpu_psci,
	TP_PROTO(unsigned int vcpu, u32 function, u64 a1, long ret),
	TP_ARGS(vcpu, function, a1, ret),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu)
		__field(u32, function)
		__field(u64, a1)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu;
		__entry->function = function;
		__entry->a1 = a1;
		__entry->ret = ret;
	),
	TP_printk("vcpu %u function %#x x1 %#llx ret %ld", __entry->vcpu, __entry->function,
		  __entry->a1, __entry->ret)
);

/* AVCPU_IRQ_LINE changed a line: type and number as in struct avcpu_irq_level. */
TRACE_EVENT(avcpu_irq_line,
	TP_PROTO(unsigned int vmid, unsigned int vcpu, u32 type, u32 num, u32 level),
	TP_ARGS(vmid, vcpu, type, num, level),
	TP_STRUCT__entry(
		__field(unsigned int, vmid)
		__field(unsigned int, vcpu)
		__field(u32, type)
		__field(u32, num)
		__field(u32, level)
	),
	TP_fast_assign(
		__entry->vmid = vmid;
		__entry->vcpu = vcpu;
		__entry->type = type;
		__entry->num = num;
		__entry->level = level;
	),
	TP_printk("vm %u vcpu %u type %u irq %u level %u", __entry->vmid, __entry->vcpu,
		  __entry->type, __entry->num, __entry->level)
);

TRACE_EVENT(avcpu_vgic_overflow,
	TP_PROTO(unsigned int vcpu, u32 used),
	TP_ARGS(vcpu, used),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu)
		__field(u32, used)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu;
		__entry->used = used;
	),
	TP_printk("vcpu %u: more to deliver than %u list registers", __entry->vcpu, __entry->used)
);

TRACE_EVENT(avcpu_vgic_maintenance,
	TP_PROTO(unsigned int vcpu, u64 misr),
	TP_ARGS(vcpu, misr),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu)
		__field(u64, misr)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu;
		__entry->misr = misr;
	),
	TP_printk("vcpu %u misr %#llx", __entry->vcpu, __entry->misr)
);

TRACE_EVENT(avcpu_vgic_sgi,
	TP_PROTO(unsigned int vcpu, u64 value, u64 targets),
	TP_ARGS(vcpu, value, targets),
	TP_STRUCT__entry(
		__field(unsigned int, vcpu)
		__field(u64, value)
		__field(u64, targets)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu;
		__entry->value = value;
		__entry->targets = targets;
	),
	TP_printk("vcpu %u sgi1r %#llx kicked %#llx", __entry->vcpu, __entry->value,
		  __entry->targets)
);

#endif /* AVCPU_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE avcpu_trace
#include <trace/define_trace.h>
