// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_hostile: a driver that breaks the virtio rules on purpose, run by avcpu-run with
 * --disk IMAGE --rng (a virtio-blk device at 0x0a000000, virtio-rng at 0x0a000200; MMU
 * off, no interrupts: it polls, doorbells included: avcpu-run may serve one after the
 * write returns). A legacy driver, a queue enabled before FEATURES_OK,
 * descriptors outside RAM or on a device's registers, loops, nested indirect tables, huge
 * lengths, a block request without a status byte, a reset with a request pending: each
 * must leave the device DEVICE_NEEDS_RESET (or refused, or forgotten) and a reset must
 * bring it back, every time; a write past the disk's end fails with IOERR; a good write
 * of sector 1 (0xa5 bytes) lands. Reports through the test device: 0 when all held, else
 * the number of the check that failed.
 */
#include "guest.h"

#define BLK_BASE	0x0a000000UL
#define RNG_BASE	0x0a000200UL
/* Registers and bits of virtio 1.2 section 4.2.2 and 2.1. */
#define R_MAGIC		0x000
#define R_VERSION	0x004
#define R_DEVICE_ID	0x008
#define R_DRV_FEAT	0x020
#define R_DRV_FEAT_SEL	0x024
#define R_QUEUE_SEL	0x030
#define R_QUEUE_NUM	0x038
#define R_QUEUE_READY	0x044
#define R_QUEUE_NOTIFY	0x050
#define R_INT_STATUS	0x060
#define R_INT_ACK	0x064
#define R_STATUS	0x070
#define R_DESC_LO	0x080
#define R_AVAIL_LO	0x090
#define R_USED_LO	0x0a0
#define R_CONFIG	0x100
#define S_ACK_DRIVER	3
#define S_FEATURES_OK	8
#define S_DRIVER_OK	4
#define S_NEEDS_RESET	64
#define INT_CONFIG	2
#define F_INDIRECT	(1u << 28)
#define D_NEXT		1
#define D_WRITE		2
#define D_INDIRECT	4
/* This driver's queue and buffers, well inside the 128 MiB of RAM. */
#define WORK		0x40400000UL
#define DESC		WORK
#define AVAIL		(WORK + 0x1000)
#define USED		(WORK + 0x2000)
#define BUF		(WORK + 0x10000)
#define TABLE		(WORK + 0x20000)
#define QSIZE		8
#define SECTOR		512

static uint16_t avail_idx;

static uint32_t rd(uint64_t dev, uint64_t off)
{
	return *(volatile uint32_t *)(dev + off);
}

static void wr(uint64_t dev, uint64_t off, uint32_t v)
{
	*(volatile uint32_t *)(dev + off) = v;
}

static void fill(uint64_t at, uint64_t n, uint64_t v)
{
	for (uint64_t i = 0; i < n; i += 8)
		*(volatile uint64_t *)(at + i) = v;
}

static void desc(uint64_t table, int i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	volatile uint64_t *d = (volatile uint64_t *)(table + i * 16);

	d[0] = addr;
	d[1] = len | (uint64_t)flags << 32 | (uint64_t)next << 48;
}

static uint16_t used_idx(void)
{
	return *(volatile uint16_t *)(USED + 2);
}

/*
 * Makes head available and rings the doorbell, then waits (boundedly) for the device's
 * answer, a used buffer or DEVICE_NEEDS_RESET: avcpu-run may serve the doorbell on a
 * thread of its own (an eventfd), after the write has returned.
 */
static void submit(uint64_t dev, uint16_t head)
{
	volatile uint16_t *a = (volatile uint16_t *)AVAIL;
	uint16_t used = used_idx();
	long i;

	a[2 + avail_idx % QSIZE] = head;
	avail_idx++;
	asm volatile("dmb sy" ::: "memory");
	a[1] = avail_idx;
	asm volatile("dmb sy" ::: "memory");
	wr(dev, R_QUEUE_NOTIFY, 0);
	for (i = 0; i < 1000000; i++)
		if (used_idx() != used || (rd(dev, R_STATUS) & S_NEEDS_RESET))
			break;
	asm volatile("dmb sy" ::: "memory");
}

static void fail(int check)
{
	puts_("virtio-hostile: check ");
	putdec(check);
	puts_(" failed\n");
	guest_exit_status(check);
}

/* Reset, then negotiate VERSION_1 (if version1) and lo; the status read back. */
static uint32_t negotiate(uint64_t dev, int version1, uint32_t lo)
{
	wr(dev, R_STATUS, 0);
	wr(dev, R_STATUS, S_ACK_DRIVER);
	wr(dev, R_DRV_FEAT_SEL, 1);
	wr(dev, R_DRV_FEAT, version1 ? 1 : 0);
	wr(dev, R_DRV_FEAT_SEL, 0);
	wr(dev, R_DRV_FEAT, lo);
	wr(dev, R_STATUS, S_ACK_DRIVER | S_FEATURES_OK);
	return rd(dev, R_STATUS);
}

static void queue(uint64_t dev)
{
	fill(WORK, 0x3000, 0);
	avail_idx = 0;
	wr(dev, R_QUEUE_SEL, 0);
	wr(dev, R_QUEUE_NUM, QSIZE);
	wr(dev, R_DESC_LO, (uint32_t)DESC);
	wr(dev, R_AVAIL_LO, (uint32_t)AVAIL);
	wr(dev, R_USED_LO, (uint32_t)USED);
	wr(dev, R_QUEUE_READY, 1);
}

/* The whole initialisation (section 3.1.1), done right. */
static void start(uint64_t dev, int check)
{
	if (!(negotiate(dev, 1, F_INDIRECT) & S_FEATURES_OK))
		fail(check);
	queue(dev);
	wr(dev, R_STATUS, S_ACK_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	if (rd(dev, R_STATUS) != (S_ACK_DRIVER | S_FEATURES_OK | S_DRIVER_OK))
		fail(check);
}

/* The device must say it needs a reset, with a config interrupt, having used nothing. */
static void expect_broken(uint64_t dev, int check)
{
	if (!(rd(dev, R_STATUS) & S_NEEDS_RESET) || !(rd(dev, R_INT_STATUS) & INT_CONFIG) ||
	    used_idx() != 0)
		fail(check);
	wr(dev, R_INT_ACK, INT_CONFIG);
}

/* One hostile chain on the entropy device, by number. */
static void hostile_chain(int n)
{
	switch (n) {
	case 0: /* outside RAM */
		desc(DESC, 0, 0x1000, 64, D_WRITE, 0);
		break;
	case 1: /* onto the UART's registers */
		desc(DESC, 0, UART_BASE, 64, D_WRITE, 0);
		break;
	case 2: /* a loop */
		desc(DESC, 0, BUF, 8, D_WRITE | D_NEXT, 1);
		desc(DESC, 1, BUF, 8, D_WRITE | D_NEXT, 0);
		break;
	case 3: /* 4 GiB */
		desc(DESC, 0, BUF, 0xffffffff, D_WRITE, 0);
		break;
	case 4: /* an indirect table inside an indirect table */
		desc(TABLE + 0x100, 0, BUF, 8, D_WRITE, 0);
		desc(TABLE, 0, TABLE + 0x100, 16, D_INDIRECT, 0);
		desc(DESC, 0, TABLE, 16, D_INDIRECT, 0);
		break;
	default: /* running off the end of RAM */
		desc(DESC, 0, 0x40000000UL + (128UL << 20) - 8, 64, D_WRITE, 0);
		break;
	}
}

static void entropy_checks(void)
{
	if (rd(RNG_BASE, R_MAGIC) != 0x74726976 || rd(RNG_BASE, R_VERSION) != 2 ||
	    rd(RNG_BASE, R_DEVICE_ID) != 4)
		fail(1);
	if (negotiate(RNG_BASE, 0, 0) & S_FEATURES_OK) /* legacy: refused */
		fail(2);
	wr(RNG_BASE, R_STATUS, 0);
	wr(RNG_BASE, R_STATUS, S_ACK_DRIVER);
	queue(RNG_BASE); /* before FEATURES_OK */
	if (!(rd(RNG_BASE, R_STATUS) & S_NEEDS_RESET))
		fail(3);
	for (int n = 0; n < 6; n++) {
		start(RNG_BASE, 10 + n);
		hostile_chain(n);
		submit(RNG_BASE, 0);
		expect_broken(RNG_BASE, 20 + n);
	}
	start(RNG_BASE, 4);
	fill(BUF, 64, 0);
	desc(DESC, 0, BUF, 64, D_WRITE, 0);
	submit(RNG_BASE, 0);
	if (used_idx() != 1 || *(volatile uint32_t *)(USED + 8) != 64 ||
	    (*(volatile uint64_t *)BUF == 0 && *(volatile uint64_t *)(BUF + 8) == 0))
		fail(5);
}

/* A block request: header at BUF, data at BUF + 0x1000, status at BUF + 0x800. */
static uint8_t blk_request(uint32_t type, uint64_t sector, uint32_t len)
{
	volatile uint8_t *status = (volatile uint8_t *)(BUF + 0x800);

	*(volatile uint64_t *)BUF = type;
	*(volatile uint64_t *)(BUF + 8) = sector;
	*status = 0xff;
	desc(DESC, 0, BUF, 16, D_NEXT, 1);
	desc(DESC, 1, BUF + 0x1000, len, D_NEXT | (type == 0 ? D_WRITE : 0), 2);
	desc(DESC, 2, BUF + 0x800, 1, D_WRITE, 0);
	submit(BLK_BASE, 0);
	return *status;
}

static void block_checks(void)
{
	uint64_t sectors = rd(BLK_BASE, R_CONFIG) | (uint64_t)rd(BLK_BASE, R_CONFIG + 4) << 32;

	if (rd(BLK_BASE, R_DEVICE_ID) != 2 || !sectors)
		fail(30);
	start(BLK_BASE, 31);
	fill(BUF + 0x1000, SECTOR, 0xa5a5a5a5a5a5a5a5UL);
	if (blk_request(1, sectors, SECTOR) != 1) /* past the end: IOERR */
		fail(32);
	if (blk_request(1, 1, SECTOR) != 0 || blk_request(0, 0, SECTOR) != 0)
		fail(33);
	start(BLK_BASE, 34);
	desc(DESC, 0, BUF, 16, 0, 0); /* no status byte */
	submit(BLK_BASE, 0);
	expect_broken(BLK_BASE, 35);
	/* A reset with a request made available: it is forgotten, not served later. */
	start(BLK_BASE, 36);
	desc(DESC, 0, BUF, 16, 0, 0);
	*(volatile uint16_t *)(AVAIL + 4) = 0;
	*(volatile uint16_t *)(AVAIL + 2) = 1;
	wr(BLK_BASE, R_STATUS, 0);
	wr(BLK_BASE, R_QUEUE_NOTIFY, 0);
	if (used_idx() != 0 || rd(BLK_BASE, R_STATUS) != 0)
		fail(37);
	start(BLK_BASE, 38);
	if (blk_request(0, 1, SECTOR) != 0 || *(volatile uint64_t *)(BUF + 0x1000) !=
						      0xa5a5a5a5a5a5a5a5UL)
		fail(39);
}

int main(uint64_t dtb)
{
	(void)dtb;
	entropy_checks();
	block_checks();
	puts_("virtio-hostile: all checks passed\n");
	guest_exit_status(0);
}
