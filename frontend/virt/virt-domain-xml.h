/*
 * What the lifecycle needs to know from a domain's XML. The reader is pure
 * and lives in domains/ (domain-xml-read.h); this is its name on the libvirt
 * side, kept so that frontend/virt's callers read a domain the one way.
 */
#pragma once

#include "domain-xml-read.h"
