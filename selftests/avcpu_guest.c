// SPDX-License-Identifier: GPL-2.0
/* Guest-side support code: ucalls. Built with the guest flags (see avcpu_guest.h). */
#include "avcpu_guest.h"

void guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct ucall uc = { .cmd = cmd, .args = { a0, a1, a2, 0 } };

	/* The host reads uc while the guest sits on the store below: it must be written. */
	asm volatile("" : : "r"(&uc) : "memory");
	*(volatile uint64_t *)GUEST_UCALL_GPA = (uint64_t)&uc;
	asm volatile("" : : : "memory");
}

void guest_return_done(void)
{
	for (;;)
		GUEST_DONE();
}
