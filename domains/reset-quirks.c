/*
 * The table of GPUs known to reset badly.
 *
 * Source: the vendor-reset project's device list (github.com/gnif/vendor-reset,
 * src/device-db.h: the AMD Polaris 10/11/12, Vega 10/20, Navi 10/12/14, Navi 23
 * and Arcturus ids it resets, with the APU ids it lists beside them), and the
 * RDNA4 cards (Navi 48: RX 9070/9070 XT, Radeon AI PRO R9700; Navi 44: RX
 * 9060 XT) that users report stay dead after a VM stops and that vendor-reset
 * does not cover. An id listed twice upstream is kept once, under its first
 * family (vendor-reset matches the first entry too).
 */
#include "reset-quirks.h"

#define ATI 0x1002

static const DkvmResetQuirk reset_quirks[] = {
	/* vendor-reset: Polaris 10 */
	{ ATI, 0x67c0, "Polaris 10", TRUE },
	{ ATI, 0x67c1, "Polaris 10", TRUE },
	{ ATI, 0x67c2, "Polaris 10", TRUE },
	{ ATI, 0x67c4, "Polaris 10", TRUE },
	{ ATI, 0x67c7, "Polaris 10", TRUE },
	{ ATI, 0x67c8, "Polaris 10", TRUE },
	{ ATI, 0x67c9, "Polaris 10", TRUE },
	{ ATI, 0x67ca, "Polaris 10", TRUE },
	{ ATI, 0x67cc, "Polaris 10", TRUE },
	{ ATI, 0x67cf, "Polaris 10", TRUE },
	{ ATI, 0x67d0, "Polaris 10", TRUE },
	{ ATI, 0x67df, "Polaris 10", TRUE },
	{ ATI, 0x6fdf, "Polaris 10", TRUE },
	/* vendor-reset: Polaris 11 */
	{ ATI, 0x67e0, "Polaris 11", TRUE },
	{ ATI, 0x67e1, "Polaris 11", TRUE },
	{ ATI, 0x67e3, "Polaris 11", TRUE },
	{ ATI, 0x67e7, "Polaris 11", TRUE },
	{ ATI, 0x67e8, "Polaris 11", TRUE },
	{ ATI, 0x67e9, "Polaris 11", TRUE },
	{ ATI, 0x67eb, "Polaris 11", TRUE },
	{ ATI, 0x67ef, "Polaris 11", TRUE },
	{ ATI, 0x67ff, "Polaris 11", TRUE },
	/* vendor-reset: Polaris 12 */
	{ ATI, 0x6980, "Polaris 12", TRUE },
	{ ATI, 0x6981, "Polaris 12", TRUE },
	{ ATI, 0x6985, "Polaris 12", TRUE },
	{ ATI, 0x6986, "Polaris 12", TRUE },
	{ ATI, 0x6987, "Polaris 12", TRUE },
	{ ATI, 0x6995, "Polaris 12", TRUE },
	{ ATI, 0x6997, "Polaris 12", TRUE },
	{ ATI, 0x699f, "Polaris 12", TRUE },
	/* vendor-reset: Vega 10 */
	{ ATI, 0x6860, "Vega 10", TRUE },
	{ ATI, 0x6861, "Vega 10", TRUE },
	{ ATI, 0x6862, "Vega 10", TRUE },
	{ ATI, 0x6863, "Vega 10", TRUE },
	{ ATI, 0x6864, "Vega 10", TRUE },
	{ ATI, 0x6867, "Vega 10", TRUE },
	{ ATI, 0x6868, "Vega 10", TRUE },
	{ ATI, 0x6869, "Vega 10", TRUE },
	{ ATI, 0x686a, "Vega 10", TRUE },
	{ ATI, 0x686b, "Vega 10", TRUE },
	{ ATI, 0x686c, "Vega 10", TRUE },
	{ ATI, 0x686d, "Vega 10", TRUE },
	{ ATI, 0x686e, "Vega 10", TRUE },
	{ ATI, 0x686f, "Vega 10", TRUE },
	{ ATI, 0x687f, "Vega 10", TRUE },
	/* vendor-reset: Vega 20, and the Arcturus (Instinct MI100) it resets alike */
	{ ATI, 0x66a0, "Vega 20", TRUE },
	{ ATI, 0x66a1, "Vega 20", TRUE },
	{ ATI, 0x66a2, "Vega 20", TRUE },
	{ ATI, 0x66a3, "Vega 20", TRUE },
	{ ATI, 0x66a4, "Vega 20", TRUE },
	{ ATI, 0x66a7, "Vega 20", TRUE },
	{ ATI, 0x66af, "Vega 20", TRUE },
	{ ATI, 0x164c, "Vega 20", TRUE },
	{ ATI, 0x738c, "Arcturus", TRUE },
	/* vendor-reset: Navi 10 (and the APUs listed with it) */
	{ ATI, 0x7310, "Navi 10", TRUE },
	{ ATI, 0x7312, "Navi 10", TRUE },
	{ ATI, 0x7318, "Navi 10", TRUE },
	{ ATI, 0x7319, "Navi 10", TRUE },
	{ ATI, 0x731a, "Navi 10", TRUE },
	{ ATI, 0x731b, "Navi 10", TRUE },
	{ ATI, 0x731e, "Navi 10", TRUE },
	{ ATI, 0x731f, "Navi 10", TRUE },
	{ ATI, 0x15bf, "Navi 10", TRUE },
	{ ATI, 0x15dd, "Navi 10", TRUE },
	{ ATI, 0x15de, "Navi 10", TRUE },
	{ ATI, 0x15e7, "Navi 10", TRUE },
	{ ATI, 0x1636, "Navi 10", TRUE },
	{ ATI, 0x1638, "Navi 10", TRUE },
	/* vendor-reset: Navi 14, Navi 12, Navi 23 */
	{ ATI, 0x7340, "Navi 14", TRUE },
	{ ATI, 0x7341, "Navi 14", TRUE },
	{ ATI, 0x7347, "Navi 14", TRUE },
	{ ATI, 0x734f, "Navi 14", TRUE },
	{ ATI, 0x7360, "Navi 12", TRUE },
	{ ATI, 0x7362, "Navi 12", TRUE },
	{ ATI, 0x73ff, "Navi 23", TRUE },
	/* RDNA4: not covered by vendor-reset */
	{ ATI, 0x7550, "RDNA4 Navi 48", FALSE },
	{ ATI, 0x7551, "RDNA4 Navi 48", FALSE },
	{ ATI, 0x7590, "RDNA4 Navi 44", FALSE },
};

const DkvmResetQuirk *
dkvm_reset_quirk_lookup(guint16 vendor_id, guint16 device_id)
{
	for (gsize i = 0; i < G_N_ELEMENTS(reset_quirks); i++) {
		if (reset_quirks[i].vendor_id == vendor_id &&
		    reset_quirks[i].device_id == device_id)
			return &reset_quirks[i];
	}
	return NULL;
}
