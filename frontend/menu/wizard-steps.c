/*
 * The wizard's steps in the order Create asks them and Edit lists them
 * (wizard.h). Each step is its own file, wizard-<name>.c.
 */
#include "wizard.h"

extern const DkvmWizardStep dkvm_wizard_step_preset;
extern const DkvmWizardStep dkvm_wizard_step_memory;
extern const DkvmWizardStep dkvm_wizard_step_vcpus;
extern const DkvmWizardStep dkvm_wizard_step_network;
extern const DkvmWizardStep dkvm_wizard_step_disks;
extern const DkvmWizardStep dkvm_wizard_step_cdroms;
extern const DkvmWizardStep dkvm_wizard_step_pci;
extern const DkvmWizardStep dkvm_wizard_step_usb;
extern const DkvmWizardStep dkvm_wizard_step_switches;

const DkvmWizardStep *const dkvm_wizard_steps[] = {
	&dkvm_wizard_step_preset,
	&dkvm_wizard_step_memory,
	&dkvm_wizard_step_vcpus,
	&dkvm_wizard_step_network,
	/* the devices (wizard-disks.c, -cdroms.c, -pci.c, -usb.c) */
	&dkvm_wizard_step_disks,
	&dkvm_wizard_step_cdroms,
	&dkvm_wizard_step_pci,
	&dkvm_wizard_step_usb,
	/* the switches last, before the summary */
	&dkvm_wizard_step_switches,
	NULL,
};
