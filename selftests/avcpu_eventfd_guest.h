/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of avcpu_eventfd_test: the doorbell addresses its guest writes (bound to
 * eventfds by the host, or not) and the SPIs it takes from irqfds.
 */
#ifndef AVCPU_EVENTFD_GUEST_H
#define AVCPU_EVENTFD_GUEST_H

#include <stdint.h>

#include "avcpu_guest.h"

#define EVFD_DOORBELL		(GUEST_MMIO_GPA + 0x000)	/* 4 bytes, any value */
#define EVFD_MATCH		(GUEST_MMIO_GPA + 0x100)	/* 4 bytes, value EVFD_MATCH_VALUE */
#define EVFD_WIDTH		(GUEST_MMIO_GPA + 0x200)	/* 2 bytes, any value */
#define EVFD_ANY		(GUEST_MMIO_GPA + 0x300)	/* any width, any value */
#define EVFD_UNBOUND		(GUEST_MMIO_GPA + 0x400)	/* no eventfd */
#define EVFD_MATCH_VALUE	1
#define EVFD_DOORBELLS		100

#define EVFD_EDGE_SPI		40
#define EVFD_LEVEL_SPI		41
#define EVFD_EDGE_ROUNDS	20	/* pulses, each once the last was taken */
#define EVFD_DEVICE_ITEMS	5	/* the level device's backlog, one per resample */

/* Guest entry points (avcpu_eventfd_guest.c). */
void evfd_guest_mmio(uint64_t unused);
void evfd_guest_irqs(uint64_t unused);
void evfd_guest_spin(uint64_t ms);

#endif /* AVCPU_EVENTFD_GUEST_H */
