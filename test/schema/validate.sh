#!/bin/sh
# Validates one libvirt domain XML file against libvirt's own schema with
# virt-xml-validate. A missing tool is a failure naming the package, never a
# skip: the schema suite must not pass on a machine that cannot check.
set -eu
if ! command -v virt-xml-validate >/dev/null 2>&1; then
	echo "virt-xml-validate not found: install libvirt-clients" >&2
	exit 1
fi
if ! command -v xmllint >/dev/null 2>&1; then
	echo "xmllint not found (virt-xml-validate runs it): install libxml2-utils" >&2
	exit 1
fi
exec virt-xml-validate "$1" domain
