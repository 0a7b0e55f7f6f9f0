/* SPDX-License-Identifier: GPL-2.0 */
/* probes.c: the tracepoints, attached while a session is live. */
#ifndef VMTRACE_PROBES_H
#define VMTRACE_PROBES_H

int vmtrace_probes_init(void);
int vmtrace_probes_attach(void);
void vmtrace_probes_detach(void);
void vmtrace_probes_wait(void);

#endif /* VMTRACE_PROBES_H */
