/* SPDX-License-Identifier: GPL-2.0 */
/* The daemons' timers' clock (not exported). */
#ifndef ITO_CLOCK_H
#define ITO_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds: unmoved by changes of the wall clock. */
uint64_t ito_now_ms(void);

#endif /* ITO_CLOCK_H */
