/*
 * See boot-cmdline.h. The options are split the kernel's way
 * (kernel-args.h) into arguments that keep their raw text, so an option
 * DKVM does not manage is written back exactly as it was read.
 */
#include "boot-cmdline.h"

#include <string.h>

#include "dkvm-error.h"
#include "kernel-args.h"
#include "spec.h"

#define BASE_OPTIONS "modules=loop,squashfs,sd-mod,usb-storage modloop=/boot/modloop-lts quiet"
#define ACS_DEFAULT  "downstream,multifunction"

static const gchar *const opt_names[DKVM_BOOT_OPT_COUNT] = {
	[DKVM_BOOT_OPT_IOMMU] = "iommu",         [DKVM_BOOT_OPT_IOMMU_PT] = "iommu-pt",
	[DKVM_BOOT_OPT_HUGEPAGES] = "hugepages", [DKVM_BOOT_OPT_ISOLATE] = "isolate",
	[DKVM_BOOT_OPT_EFIFB_OFF] = "efifb-off", [DKVM_BOOT_OPT_ACS_OVERRIDE] = "acs-override",
};

/* One argument: its raw text and the kernel's reading of it. */
typedef struct {
	gchar *raw;
	gchar *name; /* '-' as '_' */
	gchar *value;
} Arg;

static void
arg_free(Arg *arg)
{
	g_free(arg->raw);
	g_free(arg->name);
	g_free(arg->value);
	g_free(arg);
}

/* The arguments of @options; *@out_tail is the text from a bare "--" on
 * (for init, not the kernel), NULL without one. */
static GPtrArray *
split_args(const gchar *options, gchar **out_tail)
{
	GPtrArray *args = g_ptr_array_new_with_free_func((GDestroyNotify)arg_free);
	g_autoptr(GString) name = g_string_new(NULL);
	g_autoptr(GString) value = g_string_new(NULL);
	gboolean has_value = FALSE;
	const gchar *p = options;
	const gchar *start = NULL;

	*out_tail = NULL;
	while (dkvm_kernel_arg_next(&p, name, value, &has_value, &start)) {
		Arg *arg;
		if (!has_value && g_str_equal(name->str, "--")) {
			*out_tail = g_strchomp(g_strdup(start));
			break;
		}
		arg = g_new0(Arg, 1);
		arg->raw = g_strndup(start, (gsize)(p - start));
		dkvm_kernel_arg_normalize_name(name);
		arg->name = g_strdup(name->str);
		arg->value = has_value ? g_strdup(value->str) : NULL;
		g_ptr_array_add(args, arg);
	}
	return args;
}

static gboolean
is_intel(const gchar *vendor)
{
	return g_strcmp0(vendor, "GenuineIntel") == 0;
}

static gboolean
is_amd(const gchar *vendor)
{
	return g_strcmp0(vendor, "AuthenticAMD") == 0 || g_strcmp0(vendor, "HygonGenuine") == 0;
}

/*
 * Whether @opt owns @arg. Setting the IOMMU for a known vendor owns that
 * vendor's option only: the other one is harmless and keeps the stick
 * booting with its IOMMU on in a machine of the other kind.
 */
static gboolean
owns(DkvmBootOpt opt, const Arg *arg, gboolean setting, const gchar *vendor)
{
	switch (opt) {
	case DKVM_BOOT_OPT_IOMMU:
		if (g_str_equal(arg->name, "intel_iommu"))
			return !setting || !is_amd(vendor);
		if (g_str_equal(arg->name, "amd_iommu"))
			return !setting || !is_intel(vendor);
		return FALSE;
	case DKVM_BOOT_OPT_IOMMU_PT:
		return g_str_equal(arg->name, "iommu");
	case DKVM_BOOT_OPT_HUGEPAGES:
		return g_str_equal(arg->name, "hugepagesz") ||
		       g_str_equal(arg->name, "hugepages") ||
		       g_str_equal(arg->name, "default_hugepagesz");
	case DKVM_BOOT_OPT_ISOLATE:
		return g_str_equal(arg->name, "isolcpus") || g_str_equal(arg->name, "nohz_full") ||
		       g_str_equal(arg->name, "rcu_nocbs");
	case DKVM_BOOT_OPT_EFIFB_OFF:
		/* video= also sets modes of other outputs: only efifb's is ours */
		return g_str_equal(arg->name, "video") && arg->value != NULL &&
		       g_str_has_prefix(arg->value, "efifb:");
	case DKVM_BOOT_OPT_ACS_OVERRIDE:
		return g_str_equal(arg->name, "pcie_acs_override");
	case DKVM_BOOT_OPT_COUNT:
		break;
	}
	return FALSE;
}

/* The arguments @opt set to @value stands for, blank-joined. */
static gchar *
wanted(DkvmBootOpt opt, const gchar *value, const gchar *vendor)
{
	switch (opt) {
	case DKVM_BOOT_OPT_IOMMU:
		if (is_intel(vendor))
			return g_strdup("intel_iommu=on");
		if (is_amd(vendor))
			return g_strdup("amd_iommu=on");
		return g_strdup("intel_iommu=on amd_iommu=on");
	case DKVM_BOOT_OPT_IOMMU_PT:
		return g_strdup("iommu=pt");
	case DKVM_BOOT_OPT_HUGEPAGES:
		return g_strdup(value);
	case DKVM_BOOT_OPT_ISOLATE:
		return g_strdup_printf("isolcpus=%s nohz_full=%s rcu_nocbs=%s", value, value,
		                       value);
	case DKVM_BOOT_OPT_EFIFB_OFF:
		return g_strdup("video=efifb:off");
	case DKVM_BOOT_OPT_ACS_OVERRIDE:
		return g_strdup_printf("pcie_acs_override=%s", value);
	case DKVM_BOOT_OPT_COUNT:
		break;
	}
	return g_strdup("");
}

DkvmBootChange *
dkvm_boot_change_new(const gchar *cpu_vendor)
{
	DkvmBootChange *self = g_new0(DkvmBootChange, 1);

	self->cpu_vendor = g_strdup(cpu_vendor);
	return self;
}

void
dkvm_boot_change_free(DkvmBootChange *self)
{
	if (self == NULL)
		return;
	for (guint i = 0; i < DKVM_BOOT_OPT_COUNT; i++)
		g_free(self->value[i]);
	g_free(self->cpu_vendor);
	g_free(self);
}

const gchar *
dkvm_boot_opt_name(DkvmBootOpt opt)
{
	return opt < DKVM_BOOT_OPT_COUNT ? opt_names[opt] : NULL;
}

const gchar *
dkvm_boot_opt_names(void)
{
	return "iommu, iommu-pt, hugepages, isolate, efifb-off, acs-override";
}

void
dkvm_boot_change_set(DkvmBootChange *self, DkvmBootOpt opt, const gchar *value)
{
	self->action[opt] = DKVM_BOOT_SET;
	g_free(self->value[opt]);
	self->value[opt] = g_strdup(value);
}

gboolean
dkvm_boot_change_is_empty(const DkvmBootChange *self)
{
	for (guint i = 0; i < DKVM_BOOT_OPT_COUNT; i++) {
		if (self->action[i] != DKVM_BOOT_KEEP)
			return FALSE;
	}
	return TRUE;
}

static gboolean
is_hex4(const gchar *s)
{
	if (strlen(s) != 4)
		return FALSE;
	for (guint i = 0; i < 4; i++) {
		if (!g_ascii_isxdigit(s[i]))
			return FALSE;
	}
	return TRUE;
}

/* The ACS override patch's values: downstream, multifunction, id:vvvv:dddd. */
static gboolean
check_acs(const gchar *value, GError **error)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);

	for (guint i = 0; items[i] != NULL; i++) {
		g_auto(GStrv) id = NULL;
		if (g_str_equal(items[i], "downstream") || g_str_equal(items[i], "multifunction"))
			continue;
		id = g_strsplit(items[i], ":", -1);
		if (g_strv_length(id) == 3 && g_str_equal(id[0], "id") && is_hex4(id[1]) &&
		    is_hex4(id[2]))
			continue;
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "acs-override: '%s' is not downstream, multifunction or id:vvvv:dddd",
		            items[i]);
		return FALSE;
	}
	return TRUE;
}

/* "1G:4,2M:512" into "hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512",
 * 1 GiB first (the kernel finds whole gigabytes only early). */
static gchar *
parse_hugepages(const gchar *value, GError **error)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);
	guint64 counts[2] = { 0, 0 }; /* 1G, 2M */
	GString *out;

	for (guint i = 0; items[i] != NULL; i++) {
		g_auto(GStrv) pair = g_strsplit(items[i], ":", -1);
		guint64 count = 0;
		gint slot;
		if (g_strv_length(pair) != 2 ||
		    !g_ascii_string_to_unsigned(pair[1], 10, 1, G_MAXUINT32, &count, NULL)) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "hugepages: '%s' is not SIZE:COUNT (e.g. 1G:8 or 2M:1024)",
			            items[i]);
			return NULL;
		}
		if (g_ascii_strcasecmp(pair[0], "1G") == 0)
			slot = 0;
		else if (g_ascii_strcasecmp(pair[0], "2M") == 0)
			slot = 1;
		else {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "hugepages: page size '%s' is not 2M or 1G", pair[0]);
			return NULL;
		}
		if (counts[slot] != 0) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "hugepages: page size %s given twice", pair[0]);
			return NULL;
		}
		counts[slot] = count;
	}
	out = g_string_new(NULL);
	if (counts[0] > 0)
		g_string_append_printf(out, "hugepagesz=1G hugepages=%" G_GUINT64_FORMAT,
		                       counts[0]);
	if (counts[1] > 0)
		g_string_append_printf(out, "%shugepagesz=2M hugepages=%" G_GUINT64_FORMAT,
		                       out->len > 0 ? " " : "", counts[1]);
	return g_string_free(out, FALSE);
}

/* The managed option a name (DKVM's or the kernel's, with its value)
 * stands for; -1 when none. The kernel spellings rewrite *value to DKVM's. */
static gint
lookup(const gchar *name, const gchar **value)
{
	static const struct {
		const gchar *kernel;
		const gchar *kernel_value; /* NULL: any, kept as the value */
		DkvmBootOpt opt;
	} aliases[] = {
		{ "intel_iommu", "on", DKVM_BOOT_OPT_IOMMU },
		{ "amd_iommu", "on", DKVM_BOOT_OPT_IOMMU },
		{ "iommu", "pt", DKVM_BOOT_OPT_IOMMU_PT },
		{ "video", "efifb:off", DKVM_BOOT_OPT_EFIFB_OFF },
		{ "pcie_acs_override", NULL, DKVM_BOOT_OPT_ACS_OVERRIDE },
		{ "isolcpus", NULL, DKVM_BOOT_OPT_ISOLATE },
	};

	for (guint i = 0; i < G_N_ELEMENTS(aliases); i++) {
		if (!g_str_equal(name, aliases[i].kernel) || *value == NULL)
			continue;
		if (aliases[i].kernel_value == NULL)
			return aliases[i].opt;
		if (g_str_equal(*value, aliases[i].kernel_value)) {
			*value = NULL;
			return aliases[i].opt;
		}
	}
	for (guint i = 0; i < DKVM_BOOT_OPT_COUNT; i++) {
		if (g_str_equal(name, opt_names[i]))
			return (gint)i;
	}
	return -1;
}

gboolean
dkvm_boot_change_parse(DkvmBootChange *self, const gchar *arg, gboolean set, GError **error)
{
	const gchar *eq = strchr(arg, '=');
	g_autofree gchar *name = eq != NULL ? g_strndup(arg, (gsize)(eq - arg)) : g_strdup(arg);
	const gchar *value = eq != NULL ? eq + 1 : NULL;
	gint found = lookup(name, &value);
	DkvmBootOpt opt;
	g_autofree gchar *normal = NULL;

	if (found < 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "'%s' is not an option DKVM manages (%s); edit others in the boot "
		            "loader's files",
		            arg, dkvm_boot_opt_names());
		return FALSE;
	}
	opt = (DkvmBootOpt)found;
	if (!set) {
		if (value != NULL) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "--unset %s takes no value: it removes the option", name);
			return FALSE;
		}
		g_clear_pointer(&self->value[opt], g_free);
		self->action[opt] = DKVM_BOOT_REMOVE;
		return TRUE;
	}
	switch (opt) {
	case DKVM_BOOT_OPT_IOMMU:
	case DKVM_BOOT_OPT_IOMMU_PT:
	case DKVM_BOOT_OPT_EFIFB_OFF:
		if (value != NULL && !g_str_equal(value, "on")) {
			g_set_error(
			        error, DKVM_ERROR, DKVM_ERROR_INVALID,
			        "%s takes no value ('%s'): --set %s adds it, --unset %s removes it",
			        opt_names[opt], value, opt_names[opt], opt_names[opt]);
			return FALSE;
		}
		break;
	case DKVM_BOOT_OPT_ACS_OVERRIDE:
		if (value == NULL || *value == '\0')
			value = ACS_DEFAULT;
		if (!check_acs(value, error))
			return FALSE;
		normal = g_strdup(value);
		break;
	case DKVM_BOOT_OPT_ISOLATE: {
		g_autoptr(GArray) cpus = NULL;
		g_autoptr(GError) cpu_error = NULL;
		if (value == NULL || *value == '\0') {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "isolate needs a CPU list (isolate=2-7,10-15), or use "
			            "--isolate VM");
			return FALSE;
		}
		cpus = dkvm_parse_cpu_list(value, &cpu_error);
		if (cpus == NULL || cpus->len == 0) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "isolate: %s",
			            cpu_error != NULL ? cpu_error->message
			                              : "the CPU list is empty");
			return FALSE;
		}
		normal = dkvm_format_cpu_list(cpus);
		break;
	}
	case DKVM_BOOT_OPT_HUGEPAGES:
		if (value == NULL || *value == '\0') {
			g_set_error(
			        error, DKVM_ERROR, DKVM_ERROR_INVALID,
			        "hugepages needs SIZE:COUNT (hugepages=1G:8), or use --hugepages "
			        "for the defined VMs' pages");
			return FALSE;
		}
		normal = parse_hugepages(value, error);
		if (normal == NULL)
			return FALSE;
		break;
	case DKVM_BOOT_OPT_COUNT:
		g_assert_not_reached();
	}
	dkvm_boot_change_set(self, opt, normal);
	return TRUE;
}

static void
append_words(GPtrArray *out, const gchar *words)
{
	g_auto(GStrv) split = g_strsplit(words, " ", -1);

	for (guint i = 0; split[i] != NULL; i++) {
		if (*split[i] != '\0')
			g_ptr_array_add(out, g_strdup(split[i]));
	}
}

gchar *
dkvm_boot_options_apply(const gchar *options, const DkvmBootChange *change)
{
	g_autofree gchar *tail = NULL;
	g_autoptr(GPtrArray) args = split_args(options, &tail);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func(g_free);
	gboolean drop[DKVM_BOOT_OPT_COUNT] = { FALSE };
	gboolean changed = FALSE;

	for (guint o = 0; o < DKVM_BOOT_OPT_COUNT; o++) {
		gboolean setting = change->action[o] == DKVM_BOOT_SET;
		g_autoptr(GPtrArray) have = g_ptr_array_new();
		g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
		gboolean same;

		if (change->action[o] == DKVM_BOOT_KEEP)
			continue;
		for (guint i = 0; i < args->len; i++) {
			const Arg *arg = g_ptr_array_index(args, i);
			if (owns(o, arg, setting, change->cpu_vendor))
				g_ptr_array_add(have, arg->raw);
		}
		if (setting) {
			g_autofree gchar *words = wanted(o, change->value[o], change->cpu_vendor);
			append_words(want, words);
		}
		same = have->len == want->len;
		for (guint i = 0; same && i < have->len; i++)
			same = g_str_equal(g_ptr_array_index(have, i), g_ptr_array_index(want, i));
		if (same)
			continue;
		drop[o] = TRUE;
		changed = TRUE;
		for (guint i = 0; i < want->len; i++)
			g_ptr_array_add(added, g_strdup(g_ptr_array_index(want, i)));
	}
	if (!changed)
		return g_strdup(options);
	for (guint i = 0; i < args->len; i++) {
		const Arg *arg = g_ptr_array_index(args, i);
		gboolean dropped = FALSE;
		for (guint o = 0; o < DKVM_BOOT_OPT_COUNT && !dropped; o++)
			dropped = drop[o] && owns(o, arg, change->action[o] == DKVM_BOOT_SET,
			                          change->cpu_vendor);
		if (!dropped)
			g_ptr_array_add(out, g_strdup(arg->raw));
	}
	for (guint i = 0; i < added->len; i++)
		g_ptr_array_add(out, g_strdup(g_ptr_array_index(added, i)));
	if (tail != NULL)
		g_ptr_array_add(out, g_strdup(tail));
	g_ptr_array_add(out, NULL);
	return g_strjoinv(" ", (gchar **)out->pdata);
}

gchar *
dkvm_boot_options_owned(const gchar *options, DkvmBootOpt opt)
{
	g_autofree gchar *tail = NULL;
	g_autoptr(GPtrArray) args = split_args(options, &tail);
	g_autoptr(GPtrArray) have = g_ptr_array_new();

	for (guint i = 0; i < args->len; i++) {
		const Arg *arg = g_ptr_array_index(args, i);
		if (owns(opt, arg, FALSE, NULL))
			g_ptr_array_add(have, arg->raw);
	}
	g_ptr_array_add(have, NULL);
	return g_strjoinv(" ", (gchar **)have->pdata);
}

/*
 * A kernel entry's line: @prefix_len bytes up to where the options start
 * (keyword, and for grub the kernel's path), the options up to the end of
 * the line. syslinux: "APPEND options" (keywords in any case); grub:
 * "linux PATH options" (linux16 and linuxefi too).
 */
static gboolean
kernel_line(DkvmBootLoader loader, const gchar *line, gsize *prefix_len)
{
	const gchar *p = line;
	const gchar *word;

	while (*p == ' ' || *p == '\t')
		p++;
	word = p;
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	if (loader == DKVM_BOOT_LOADER_SYSLINUX) {
		if ((gsize)(p - word) != 6 || g_ascii_strncasecmp(word, "append", 6) != 0)
			return FALSE;
	} else {
		gsize len = (gsize)(p - word);
		if (!((len == 5 && strncmp(word, "linux", 5) == 0) ||
		      (len == 7 && strncmp(word, "linux16", 7) == 0) ||
		      (len == 8 && strncmp(word, "linuxefi", 8) == 0)))
			return FALSE;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return FALSE;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	*prefix_len = (gsize)(p - line);
	return TRUE;
}

static const gchar *
entry_word(DkvmBootLoader loader)
{
	return loader == DKVM_BOOT_LOADER_SYSLINUX ? "APPEND" : "linux";
}

/* @line without a trailing "\r" (in @cr when there was one). */
static gchar *
strip_cr(const gchar *line, gboolean *cr)
{
	gsize len = strlen(line);

	*cr = len > 0 && line[len - 1] == '\r';
	return g_strndup(line, *cr ? len - 1 : len);
}

gchar *
dkvm_boot_config_get_options(DkvmBootLoader loader, const gchar *text, GError **error)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		gboolean cr = FALSE;
		g_autofree gchar *line = strip_cr(lines[i], &cr);
		gsize prefix = 0;
		if (kernel_line(loader, line, &prefix))
			return g_strchomp(g_strdup(line + prefix));
	}
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "no kernel entry (an '%s' line) found",
	            entry_word(loader));
	return NULL;
}

gchar *
dkvm_boot_config_apply(DkvmBootLoader loader, const gchar *text, const DkvmBootChange *change,
                       GError **error)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autoptr(GString) out = g_string_new(NULL);
	guint entries = 0;

	for (guint i = 0; lines[i] != NULL; i++) {
		gboolean cr = FALSE;
		g_autofree gchar *line = strip_cr(lines[i], &cr);
		g_autofree gchar *options = NULL;
		g_autofree gchar *applied = NULL;
		gsize prefix = 0;

		if (i > 0)
			g_string_append_c(out, '\n');
		if (!kernel_line(loader, line, &prefix)) {
			g_string_append(out, lines[i]);
			continue;
		}
		entries++;
		options = g_strchomp(g_strdup(line + prefix));
		applied = dkvm_boot_options_apply(options, change);
		if (g_str_equal(applied, options)) {
			g_string_append(out, lines[i]);
			continue;
		}
		/* the keyword as written; one blank before the options */
		g_string_append_len(out, line, (gssize)prefix);
		if (prefix > 0 && !g_ascii_isspace(line[prefix - 1]))
			g_string_append_c(out, ' ');
		g_string_append(out, applied);
		if (cr)
			g_string_append_c(out, '\r');
	}
	if (entries == 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "no kernel entry (an '%s' line) found", entry_word(loader));
		return NULL;
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

gchar *
dkvm_boot_options_initial(const DkvmBootChange *change)
{
	g_autoptr(DkvmBootChange) defaults = dkvm_boot_change_new(NULL);
	g_autofree gchar *with_defaults = NULL;

	dkvm_boot_change_set(defaults, DKVM_BOOT_OPT_IOMMU, NULL);
	dkvm_boot_change_set(defaults, DKVM_BOOT_OPT_IOMMU_PT, NULL);
	with_defaults = dkvm_boot_options_apply(BASE_OPTIONS, defaults);
	if (change == NULL)
		return g_steal_pointer(&with_defaults);
	return dkvm_boot_options_apply(with_defaults, change);
}

gchar *
dkvm_boot_config_generate(DkvmBootLoader loader, const gchar *options)
{
	if (loader == DKVM_BOOT_LOADER_SYSLINUX)
		return g_strdup_printf("TIMEOUT 10\n"
		                       "PROMPT 1\n"
		                       "DEFAULT lts\n"
		                       "\n"
		                       "LABEL lts\n"
		                       "\tMENU LABEL DKVM (Linux lts)\n"
		                       "\tKERNEL /boot/vmlinuz-lts\n"
		                       "\tINITRD /boot/initramfs-lts\n"
		                       "\tAPPEND %s\n",
		                       options);
	return g_strdup_printf("set timeout=1\n"
	                       "\n"
	                       "menuentry \"DKVM (Linux lts)\" {\n"
	                       "\tlinux\t/boot/vmlinuz-lts %s\n"
	                       "\tinitrd\t/boot/initramfs-lts\n"
	                       "}\n",
	                       options);
}

const gchar *
dkvm_boot_loader_path(DkvmBootLoader loader)
{
	return loader == DKVM_BOOT_LOADER_SYSLINUX ? "boot/syslinux/syslinux.cfg"
	                                           : "boot/grub/grub.cfg";
}
