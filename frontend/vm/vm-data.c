/*
 * The data partition for the faces (vm-data.h).
 */
#include "vm-data.h"

DkvmDataPartition *
dkvm_vm_data_partition(DkvmApp *app, GError **error)
{
	const DkvmConfig *config = dkvm_app_get_config(app, error);

	if (config == NULL)
		return NULL;
	return dkvm_data_partition_find(config->data_label, error);
}

GPtrArray *
dkvm_vm_data_files(const DkvmDataPartition *data, const gchar *const *suffixes, GError **error)
{
	return dkvm_data_partition_list(data, suffixes, error);
}
