#!/bin/sh
# Builds the near-miss guard's lexicon from Debian's wamerican word list (SCOWL, public-domain-style licence):
# common.txt.gz = lower-case entries (common words), proper.txt.gz = capitalised entries, lower-cased (names of
# places, people, products). Entries with apostrophes are left out. Run from this folder; commit the output.
set -eu
words=${1:-/usr/share/dict/american-english}
out=../src/main/resources/io/heimdall/plugin/semanticcache
cd "$(dirname "$0")"
LC_ALL=C grep -v "'" "$words" | LC_ALL=C grep '^[a-z]' | sort -u | gzip -9n > "$out/common.txt.gz"
LC_ALL=C grep -v "'" "$words" | LC_ALL=C grep '^[A-Z]' | tr 'A-Z' 'a-z' | sort -u | gzip -9n > "$out/proper.txt.gz"
