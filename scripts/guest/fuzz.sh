#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# avcpu-fuzz inside the test machine (make fuzz): load avcpu.ko, run the campaign with
# the given arguments, unload. The kernel log is judged afterwards like any boot's.
set -u
insmod /lib/modules/$(uname -r)/extra/avcpu.ko || { echo "fuzz: avcpu.ko did not load"; exit 1; }
avcpu-fuzz "$@"
rc=$?
rmmod avcpu || rc=1
exit $rc
