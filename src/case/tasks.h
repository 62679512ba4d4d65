/*
 * tasks.h - checklists per RSIT classification: the tasks a case gets when it
 * is classified (N_() marked English; the catalogue has nb and nn).
 */
#ifndef KC_CASE_TASKS_H
#define KC_CASE_TASKS_H

/* NULL-terminated; never NULL (a general checklist for other classifications). */
const char *const *kc_case_task_template(const char *taxonomy);

#endif
