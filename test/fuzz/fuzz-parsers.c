/*
 * The value parsers the command line, the menu, dkvm.conf and the domain
 * reader share (domains/spec.c, format-size.c): sizes, libvirt's scaled
 * integers, CPU lists, PCI addresses and USB ids. Each input goes through
 * all of them. Accepted values read back the same from their canonical form;
 * refusals are one line.
 */
/* reaches code the harden-input branch fixes (fuzz-common.h) */
#define FUZZ_HARDEN_INPUT_PENDING 1

#include "format-size.h"
#include "fuzz-common.h"
#include "spec.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init_logging();
	return 0;
}

static void
fuzz_size(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	guint64 kib = 0;

	if (!dkvm_parse_size_kib(text, &kib, &error)) {
		fuzz_check_refusal(error, "size");
		return;
	}
	g_free(dkvm_format_kib(kib));
	g_free(dkvm_format_kib_column(kib));
}

/* "VALUE UNIT": libvirt's <memory unit='UNIT'>VALUE</memory>. */
static void
fuzz_scaled(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) parts = g_strsplit(text, " ", 2);
	guint64 kib = 0;

	if (parts[0] == NULL)
		return;
	if (!dkvm_parse_scaled_kib(parts[0], parts[1], &kib, &error))
		fuzz_check_refusal(error, "scaled integer");
}

static void
fuzz_cpu_list(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) cpus = dkvm_parse_cpu_list(text, &error);
	g_autofree gchar *canonical = NULL;
	g_autoptr(GArray) again = NULL;

	if (cpus == NULL) {
		fuzz_check_refusal(error, "CPU list");
		return;
	}
	for (guint i = 1; i < cpus->len; i++)
		FUZZ_ASSERT(g_array_index(cpus, guint, i - 1) < g_array_index(cpus, guint, i),
		            "CPU list not sorted and unique: %s", text);
	canonical = dkvm_format_cpu_list(cpus);
	if (cpus->len == 0)
		return; /* the empty list has no text that parses back */
	again = dkvm_parse_cpu_list(canonical, &error);
	FUZZ_ASSERT(again != NULL, "canonical '%s' refused: %s", canonical, error->message);
	FUZZ_ASSERT(again->len == cpus->len &&
	                    memcmp(again->data, cpus->data, cpus->len * sizeof(guint)) == 0,
	            "'%s' reads back differently", canonical);
}

static void
fuzz_pci(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *address = dkvm_parse_pci_address(text, &error);
	g_autofree gchar *again = NULL;
	guint domain, bus, slot, func;

	if (address == NULL) {
		fuzz_check_refusal(error, "PCI address");
		return;
	}
	again = dkvm_parse_pci_address(address, &error);
	FUZZ_ASSERT_PENDING(again != NULL && g_strcmp0(again, address) == 0,
	                    "'%s' is not canonical", address);
	if (again == NULL || g_strcmp0(again, address) != 0)
		return;
	FUZZ_ASSERT(dkvm_pci_address_split(address, &domain, &bus, &slot, &func),
	            "'%s' does not split", address);
	g_free(again);
	again = dkvm_pci_address_format(domain, bus, slot, func);
	FUZZ_ASSERT(g_strcmp0(again, address) == 0, "'%s' formats as '%s'", address, again);
}

static void
fuzz_usb(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *canonical = NULL;
	guint16 vendor = 0, product = 0, vendor2 = 0, product2 = 0;

	if (!dkvm_parse_usb_id(text, &vendor, &product, &error)) {
		fuzz_check_refusal(error, "USB id");
		return;
	}
	canonical = g_strdup_printf("%04x:%04x", vendor, product);
	FUZZ_ASSERT(dkvm_parse_usb_id(canonical, &vendor2, &product2, NULL) && vendor2 == vendor &&
	                    product2 == product,
	            "'%s' reads back differently", canonical);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree gchar *text = NULL;

	/* values are short: long inputs only slow the search down */
	if (size > 4096)
		return 0;
	text = fuzz_text(data, size);
	fuzz_size(text);
	fuzz_scaled(text);
	fuzz_cpu_list(text);
	fuzz_pci(text);
	fuzz_usb(text);
	return 0;
}
