// SPDX-License-Identifier: GPL-2.0
/* The one place avcpu's trace events are instantiated. */
#define CREATE_TRACE_POINTS
#include "avcpu_trace.h"
