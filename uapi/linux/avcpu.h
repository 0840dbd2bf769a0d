/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * avcpu: the userspace API of /dev/avcpu.
 *
 * Usable from C and C++. Every structure has fixed-size fields and explicit padding; see
 * Documentation/api.rst for the meaning of each field.
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

#endif /* _UAPI_LINUX_AVCPU_H */
