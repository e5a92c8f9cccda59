#!/usr/bin/env bash
# The house rules of DESIGN.md and issue 13 that a grep can check: generic code never names a
# family (only families/, the registry, docs/ and scenarios/ do); the scenario is read by key
# only in scenario/ and the families' config.c (parse hooks); algorithms/ includes no SimGrid
# header; library functions stay under 80 lines and files under 800.
. "$(dirname "$0")/lib.sh"
cd "${SIMGRAD_SOURCE_DIR:-.}" || exit 1
lib_files() { git ls-files '*.c' '*.cpp' '*.h' | grep -vE '^(tests|bench|examples)/'; }

# Report, sweep and cli code (issue 13's acceptance) never names a family, not even in a
# comment; the other shared folders never spell a family's name as a string (they hold the
# ordinary words "token", "gossip" or "fabric" in their own senses: a gossip event's kind in an
# event log, a fabric as a network).
names=$(ls families | grep -v '\.' | tr '_' '-' | paste -sd'|')
leak=$(git grep -nwiE "$names" -- report cli | head -5)
[ -z "$leak" ]
check no_family_name_in_report_sweep_cli $? "$leak"
leak=$(git grep -nE "\"($names)\"" -- scenario actors platforms analysis algorithms include \
       ':!include/simgrad/event_log.h' | head -5)
[ -z "$leak" ]
check no_family_name_string_in_shared_code $? "$leak"

reads=$(git grep -ln 'sgr_scn_\(int\|num\|bool\|str\|has\|path\)(' -- '*.c' '*.cpp' \
        ':!scenario/' ':!families/*/config.c' ':!tests/' ':!examples/' ':!bench/' | head -5)
[ -z "$reads" ]
check keys_read_only_in_parse_hooks $? "$reads"

sg=$(git grep -ln '#include[[:space:]]*[<"]simgrid/' -- algorithms | head -3)
[ -z "$sg" ]
check algorithms_without_simgrid $? "$sg"

long=$(lib_files | grep -E '\.(c|cpp)$' | xargs awk '/^\{/{s=FNR} /^\}/{if(s&&FNR-s+1>80)printf "%s:%d (%d lines) ",FILENAME,s,FNR-s+1; s=0}')
[ -z "$long" ]
check functions_under_80_lines $? "$long"

big=$(lib_files | xargs wc -l | awk '$2 != "total" && $1 > 800 {printf "%s (%d) ", $2, $1}')
[ -z "$big" ]
check files_under_800_lines $? "$big"
finish
