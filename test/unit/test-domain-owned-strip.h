/*
 * A domain without what DKVM owns: the comparison the hand-edit tests
 * (test-domain-edits.c) and the apply fuzz harness (fuzz-domain-apply.c)
 * make, before and after an apply, to see that nothing else changed.
 */
#pragma once

#include <libxml/tree.h>

G_BEGIN_DECLS

/*
 * Removes from @doc every node a row of the owned-XPath table names, then
 * the elements left empty. Every row is matched on the document as given:
 * one row names "-fw_cfg" by the argument after it, which another row
 * removes, so removing row by row would leave that "-fw_cfg" behind as if
 * it were the person's.
 */
void dkvm_test_strip_owned(xmlDoc *doc);

G_END_DECLS
