/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ITO_VERSION_H
#define _ITO_VERSION_H

#define ITO_VERSION "0.1.0"

#endif /* _ITO_VERSION_H */
