// SPDX-License-Identifier: GPL-2.0
// The KVM backend's vCPU: KVM_ARM_VCPU_INIT, registers through KVM_GET/SET_ONE_REG, RUN
// and its exits in libavcpu's terms. PSCI is KVM's (in the kernel); MMIO and the system
// events are the exits that come out.
#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <utility>

#include "kvm_backend.h"

namespace avcpu::kvm
{

namespace
{

// PSTATE after a reset: EL1h, D, A, I and F masked (Arm ARM D1.6; KVM resets to it too).
constexpr uint64_t pstate_el1h_daif_masked = 0x3c5;
constexpr unsigned nr_x_regs = 31;
constexpr uint64_t avcpu_reg_low_mask = 0xffff;

// A core register's ONE_REG id: its offset in struct kvm_regs in 32-bit words (KVM API,
// 4.68 KVM_SET_ONE_REG, "arm64 core/FP-SIMD registers").
constexpr uint64_t core_id(size_t offset, uint64_t size = KVM_REG_SIZE_U64)
{
	return KVM_REG_ARM64 | size | KVM_REG_ARM_CORE | (offset / sizeof(__u32));
}

constexpr uint64_t x_id(unsigned n)
{
	return core_id(offsetof(kvm_regs, regs.regs) + n * sizeof(__u64));
}

// avcpu_regs' named fields and their core registers.
struct NamedCore {
	__u64 avcpu_regs::*field;
	uint64_t id;
};
const NamedCore named_core[] = {
	{&avcpu_regs::sp_el0, core_id(offsetof(kvm_regs, regs.sp))},
	{&avcpu_regs::pc, core_id(offsetof(kvm_regs, regs.pc))},
	{&avcpu_regs::pstate, core_id(offsetof(kvm_regs, regs.pstate))},
	{&avcpu_regs::sp_el1, core_id(offsetof(kvm_regs, sp_el1))},
	{&avcpu_regs::elr_el1, core_id(offsetof(kvm_regs, elr_el1))},
	{&avcpu_regs::spsr_el1, core_id(offsetof(kvm_regs, spsr) + KVM_SPSR_EL1 * sizeof(__u64))},
};

// An AVCPU_REG_* id as KVM's, 0 for none. System registers share the encoding in the low
// 16 bits (op0 15:14, op1 13:11, CRn 10:7, CRm 6:3, op2 2:0); FPSR and FPCR are 32-bit
// core registers on KVM. V0-V31 are 128 bits, more than reg() carries.
uint64_t kvm_reg_id(uint64_t id)
{
	uint64_t low = id & avcpu_reg_low_mask;
	if (id == ((AVCPU_REG_CLASS_SYS << AVCPU_REG_CLASS_SHIFT) | AVCPU_REG_SIZE_U64 | low))
		return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | low;
	if (id == AVCPU_REG_FPSR)
		return core_id(offsetof(kvm_regs, fp_regs.fpsr), KVM_REG_SIZE_U32);
	if (id == AVCPU_REG_FPCR)
		return core_id(offsetof(kvm_regs, fp_regs.fpcr), KVM_REG_SIZE_U32);
	return 0;
}

class Vcpu final : public VcpuBackend
{
public:
	Vcpu(std::shared_ptr<Shared> shared, UniqueFd fd, kvm_run *run, size_t run_size,
	     const kvm_vcpu_init &init)
	    : shared_(std::move(shared)), fd_(std::move(fd)), run_(run), run_size_(run_size),
	      init_(init)
	{
	}
	Vcpu(const Vcpu &) = delete;
	Vcpu &operator=(const Vcpu &) = delete;
	~Vcpu() override { kernel().munmap(run_, run_size_); }

	Result<Exit> run() override
	{
		if (!started_) {
			if (auto st = shared_->ready_to_run(); !st)
				return st.error();
			started_ = true;
		}
		// A signal or immediate_exit ends RUN with EINTR; exit_reason then may still
		// be the last exit's (KVM API, 5. The kvm_run structure, immediate_exit).
		if (kernel().ioctl(fd(), KVM_RUN, 0) < 0)
			return errno == EINTR ? Result<Exit>(exits::Interrupted{})
					      : Result<Exit>(last_error("KVM_RUN"));
		return translate_exit(*run_);
	}

	// KVM completes the load at the next KVM_RUN with mmio.len bytes of mmio.data.
	void complete_read(uint64_t value) override
	{
		std::memcpy(run_->mmio.data, &value, sizeof(value)); // little-endian
	}

	// KVM answers hypercalls, system registers and PSCI itself: no exit asks for these.
	void set_results(uint64_t, uint64_t, uint64_t, uint64_t) override {}
	void refuse_sysreg() override {}
	void set_psci_result(int64_t) override {}

	void request_exit(bool on) override
	{
		__atomic_store_n(&run_->immediate_exit, on ? 1 : 0, __ATOMIC_SEQ_CST);
	}

	Result<avcpu_regs> regs() const override;
	Status set_regs(const avcpu_regs &regs) override;
	Result<uint64_t> reg(uint64_t id) const override;
	Status set_reg(uint64_t id, uint64_t value) override;
	Result<avcpu_power_state> power_state() const override;
	Status set_power(uint32_t state, bool reset, uint64_t entry, uint64_t context) override;

	Result<avcpu_vcpu_stats> stats() const override
	{
		return Error{"AVCPU_GET_VCPU_STATS (not on KVM)", EOPNOTSUPP};
	}

	int fd() const override { return fd_.get(); }

private:
	Kernel &kernel() const { return fd_.kernel(); }
	int one_reg(unsigned long request, uint64_t id, void *value) const
	{
		kvm_one_reg one{};
		one.id = id;
		one.addr = reinterpret_cast<uint64_t>(value);
		return ioctl_ptr(kernel(), fd(), request, &one);
	}
	Status set_mp_state(uint32_t state);

	std::shared_ptr<Shared> shared_;
	UniqueFd fd_;
	kvm_run *run_;
	size_t run_size_;
	kvm_vcpu_init init_; // without POWER_OFF: what a reset re-applies
	bool started_ = false;
};

Result<avcpu_regs> Vcpu::regs() const
{
	avcpu_regs r{};
	for (unsigned n = 0; n < nr_x_regs; n++)
		if (one_reg(KVM_GET_ONE_REG, x_id(n), &r.x[n]))
			return last_error("KVM_GET_ONE_REG (core)");
	for (const auto &c : named_core)
		if (one_reg(KVM_GET_ONE_REG, c.id, &(r.*c.field)))
			return last_error("KVM_GET_ONE_REG (core)");
	return r;
}

Status Vcpu::set_regs(const avcpu_regs &regs)
{
	for (unsigned n = 0; n < nr_x_regs; n++) {
		__u64 value = regs.x[n];
		if (one_reg(KVM_SET_ONE_REG, x_id(n), &value))
			return last_error("KVM_SET_ONE_REG (core)");
	}
	for (const auto &c : named_core) {
		__u64 value = regs.*c.field;
		if (one_reg(KVM_SET_ONE_REG, c.id, &value))
			return last_error("KVM_SET_ONE_REG (core)");
	}
	return {};
}

Result<uint64_t> Vcpu::reg(uint64_t id) const
{
	uint64_t kvm_id = kvm_reg_id(id);
	if (!kvm_id)
		return Error{"KVM_GET_ONE_REG (no KVM id for this register)", EINVAL};
	uint64_t value = 0;
	uint32_t narrow = 0;
	bool u32 = (kvm_id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32;
	if (one_reg(KVM_GET_ONE_REG, kvm_id, u32 ? static_cast<void *>(&narrow) : &value))
		return last_error("KVM_GET_ONE_REG");
	return u32 ? uint64_t(narrow) : value;
}

Status Vcpu::set_reg(uint64_t id, uint64_t value)
{
	uint64_t kvm_id = kvm_reg_id(id);
	if (!kvm_id)
		return Error{"KVM_SET_ONE_REG (no KVM id for this register)", EINVAL};
	uint32_t narrow = uint32_t(value);
	bool u32 = (kvm_id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32;
	if (u32 && narrow != value)
		return Error{"KVM_SET_ONE_REG (a 32-bit register)", EINVAL};
	if (one_reg(KVM_SET_ONE_REG, kvm_id, u32 ? static_cast<void *>(&narrow) : &value))
		return last_error("KVM_SET_ONE_REG");
	return {};
}

// PSCI's view of KVM's multiprocessing state: STOPPED is off, anything else on.
Result<avcpu_power_state> Vcpu::power_state() const
{
	kvm_mp_state mp{};
	if (ioctl_ptr(kernel(), fd(), KVM_GET_MP_STATE, &mp))
		return last_error("KVM_GET_MP_STATE");
	avcpu_power_state ps{};
	ps.state = mp.mp_state == KVM_MP_STATE_STOPPED ? AVCPU_POWER_OFF : AVCPU_POWER_ON;
	return ps;
}

Status Vcpu::set_mp_state(uint32_t state)
{
	kvm_mp_state mp{};
	mp.mp_state = state;
	if (ioctl_ptr(kernel(), fd(), KVM_SET_MP_STATE, &mp))
		return last_error("KVM_SET_MP_STATE");
	return {};
}

// A reset is KVM_ARM_VCPU_INIT again (KVM API, 4.82: it resets the vCPU), then what PSCI
// CPU_ON sets: PC = entry, x0 = context, EL1h with interrupts masked.
Status Vcpu::set_power(uint32_t state, bool reset, uint64_t entry, uint64_t context)
{
	if (state != AVCPU_POWER_ON && state != AVCPU_POWER_OFF)
		return Error{"KVM_SET_MP_STATE", EINVAL};
	if (state == AVCPU_POWER_OFF)
		return set_mp_state(KVM_MP_STATE_STOPPED);
	if (reset) {
		kvm_vcpu_init init = init_;
		if (ioctl_ptr(kernel(), fd(), KVM_ARM_VCPU_INIT, &init))
			return last_error("KVM_ARM_VCPU_INIT (reset)");
		const std::pair<uint64_t, uint64_t> values[] = {
			{core_id(offsetof(kvm_regs, regs.pc)), entry},
			{x_id(0), context},
			{core_id(offsetof(kvm_regs, regs.pstate)), pstate_el1h_daif_masked},
		};
		for (auto [id, value] : values)
			if (one_reg(KVM_SET_ONE_REG, id, &value))
				return last_error("KVM_SET_ONE_REG (core)");
	}
	return set_mp_state(KVM_MP_STATE_RUNNABLE);
}

} // namespace

Result<std::unique_ptr<VcpuBackend>> create_vcpu(std::shared_ptr<Shared> shared, unsigned id,
						 bool off, size_t run_size)
{
	Kernel &k = shared->kernel();
	int fd = k.ioctl(shared->vm_fd(), KVM_CREATE_VCPU, id);
	if (fd < 0)
		return last_error("KVM_CREATE_VCPU");
	UniqueFd owned(k, fd);
	void *run = k.mmap(run_size, fd);
	if (run == MAP_FAILED)
		return last_error("mmap of kvm_run");
	auto unmap = [&] { k.munmap(run, run_size); };
	// The host CPU's target, PSCI 0.2 and later in the kernel, and for a secondary the
	// POWER_OFF feature: off until CPU_ON (KVM API, 4.82 KVM_ARM_VCPU_INIT).
	kvm_vcpu_init init{};
	if (ioctl_ptr(k, shared->vm_fd(), KVM_ARM_PREFERRED_TARGET, &init)) {
		auto e = last_error("KVM_ARM_PREFERRED_TARGET");
		unmap();
		return e;
	}
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	kvm_vcpu_init first = init;
	if (off)
		first.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl_ptr(k, fd, KVM_ARM_VCPU_INIT, &first)) {
		auto e = last_error("KVM_ARM_VCPU_INIT");
		unmap();
		return e;
	}
	return std::unique_ptr<VcpuBackend>(std::make_unique<Vcpu>(
		std::move(shared), std::move(owned), static_cast<kvm_run *>(run), run_size, init));
}

} // namespace avcpu::kvm
