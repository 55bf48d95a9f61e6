/* Commands of the "vm" module shared between hv_mod_vm*.c. */
#ifndef HV_VM_CMDS_H
#define HV_VM_CMDS_H

#include "hv/hv.h"

/* Look up and lock a VM; on failure the 208 reply is already written. */
struct hv_obj *hv_vm_find(struct hv_ctx *c, const char *name);

/* hv_mod_vm_run.c */
#define HV_VM_RUN_CMD_LIST(X)                                                 \
    X(set_idle_pc_online, 3, 3)                                               \
    X(get_idle_pc_prop, 2, 2)                                                 \
    X(show_idle_pc_prop, 2, 2)                                                \
    X(set_idle_max, 3, 3)                                                     \
    X(set_idle_sleep_time, 3, 3)                                              \
    X(show_timer_drift, 2, 2)                                                 \
    X(cpu_info, 2, 2)                                                         \
    X(cpu_usage, 2, 2)                                                        \
    X(send_con_msg, 2, 3)                                                     \
    X(send_aux_msg, 2, 3)                                                     \
    X(slot_bindings, 1, 1)                                                    \
    X(slot_nio_bindings, 2, 2)                                                \
    X(slot_add_binding, 4, 4)                                                 \
    X(slot_remove_binding, 3, 3)                                              \
    X(slot_add_nio_binding, 4, 4)                                             \
    X(slot_remove_nio_binding, 3, 3)                                          \
    X(slot_enable_nio, 3, 3)                                                  \
    X(slot_disable_nio, 3, 3)                                                 \
    X(slot_oir_start, 3, 3)                                                   \
    X(slot_oir_stop, 3, 3)

/* hv_mod_vm_state.c: automatic idle detection, snapshots */
#define HV_VM_STATE_CMD_LIST(X)                                               \
    X(set_auto_idle, 2, 2)                                                    \
    X(show_auto_idle, 2, 2)                                                   \
    X(save_state, 2, 2)                                                       \
    X(load_state, 2, 2)

#define HV_VM_DECLARE(name, lo, hi)                                           \
    void hv_vm_cmd_##name(struct hv_ctx *c, int argc, char **argv);
HV_VM_RUN_CMD_LIST(HV_VM_DECLARE)
HV_VM_STATE_CMD_LIST(HV_VM_DECLARE)
#undef HV_VM_DECLARE

#define HV_VM_ENTRY(name, lo, hi) {#name, lo, hi, hv_vm_cmd_##name},
#define HV_VM_RUN_CMDS                                                        \
    HV_VM_RUN_CMD_LIST(HV_VM_ENTRY) HV_VM_STATE_CMD_LIST(HV_VM_ENTRY)


#endif
