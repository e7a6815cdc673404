/*
 * The Create wizard's and Edit's steps (issue 14): one step per part of a
 * VM's spec (preset and name, memory, vCPUs, network, disks, CD-ROMs, PCI,
 * USB, switches), each in its own wizard-<name>.c, listed in order in
 * wizard-steps.c. Create runs them one after the other (Back goes to the
 * previous step), then the summary; Edit offers them as a list with each
 * one's current value and runs the one chosen.
 *
 * Rules every step keeps:
 *  - it changes wizard->spec only when it returns DKVM_STEP_NEXT; Back (Esc,
 *    Cancel) leaves the spec as the step found it;
 *  - it starts from the spec's current value (Create: the preset's default
 *    or what the person chose before going back; Edit: the domain's);
 *  - invalid input is shown with its reason (dkvm_wizard_refuse) and asked
 *    again, never carried on to the next step;
 *  - its widgets' titles come from dkvm_wizard_title, so the person sees
 *    whether they create or edit, and which VM.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"
#include "host-settings.h"
#include "menu.h"
#include "spec.h"

G_BEGIN_DECLS

typedef struct {
	DkvmMenu *menu;
	DkvmSpec *spec;            /* being built (Create) or read from the domain (Edit) */
	gboolean editing;          /* Edit: prefilled from the domain; name fixed */
	const DkvmHostFacts *host; /* dkvm_app_get_host(menu->app) */
} DkvmWizard;

/* BACK: the previous step; at the first step, leave the wizard with nothing
 * defined. In Edit, BACK returns to the list of steps, the spec unchanged. */
typedef enum { DKVM_STEP_NEXT, DKVM_STEP_BACK } DkvmStepResult;

typedef struct {
	const gchar *name;  /* "memory": stable key */
	const gchar *label; /* "Memory": the Edit list's word */
	DkvmStepResult (*run)(DkvmWizard *wizard);
	/* the current value for the Edit list ("16.0 GiB"); may be NULL */
	gchar *(*describe)(const DkvmWizard *wizard);
} DkvmWizardStep;

/* wizard-steps.c, NULL-terminated, in order */
extern const DkvmWizardStep *const dkvm_wizard_steps[];

/* The summary (wizard-summary.c), after the steps and not one of them: the
 * whole plan as `dkvm plan` prints it. NEXT: define it; BACK: back to the
 * steps. */
extern const DkvmWizardStep dkvm_wizard_step_summary;

/* How many steps dkvm_wizard_steps lists. */
guint dkvm_wizard_steps_count(void);

/* The step named @name, NULL when there is none. */
const DkvmWizardStep *dkvm_wizard_step_find(const gchar *name);

/*
 * Runs the steps from index @first on, each after the one before said NEXT;
 * BACK runs the previous one again. TRUE when the last step said NEXT; FALSE
 * when the person went back from step 0 (leave with nothing defined).
 */
gboolean dkvm_wizard_run_steps(DkvmWizard *wizard, guint first);

/* A widget title for step @label: "Create VM: Memory" or "Edit 'win11':
 * Memory". */
gchar *dkvm_wizard_title(const DkvmWizard *wizard, const gchar *label);

/* Shows why input was refused (the error's message) in a message box titled
 * like the step; the step then asks again. */
void dkvm_wizard_refuse(const DkvmWizard *wizard, const gchar *label, const GError *error);

/* dkvm.conf's host settings, as the planners take them (the same the plan
 * of `dkvm vm create` uses); NULL with the reason when dkvm.conf cannot be
 * read. */
DkvmHostSettings *dkvm_wizard_get_settings(const DkvmWizard *wizard, GError **error);

G_END_DECLS
