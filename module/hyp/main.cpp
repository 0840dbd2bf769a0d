// SPDX-License-Identifier: GPL-2.0
// Placeholder C++ translation unit of the EL2 image.
#include "hyp_image.h"
