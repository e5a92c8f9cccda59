# Shared helpers of the shell tests: source it first (`. "$(dirname "$0")/lib.sh"`).
# Gives: $bin (the simgrad command under test), $tmp (a scratch directory removed at exit
# unless KEEP is set), check, expect_exit, json_num, col, and finish (the summary line and the
# exit status). set -u is on; a test is a list of `check NAME $?` after each command.
set -u
bin=${SIMGRAD_BIN:-build/simgrad}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
pass=0
fail=0

# check NAME STATUS [DETAIL]: count a check; STATUS 0 passes.
check() {
  if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1 ${3:-}"; fi
}

# expect_exit NAME CODE PHRASE COMMAND...: the command exits CODE and its stderr holds PHRASE.
expect_exit() {
  local name=$1 code=$2 phrase=$3 out rc
  shift 3
  out=$("$@" 2>&1 >/dev/null)
  rc=$?
  [ "$rc" -eq "$code" ] && grep -qF -- "$phrase" <<<"$out"
  check "$name" $? "exit $rc, wanted $code and \"$phrase\"; got: $out"
}

# json_num FILE KEY: the first number written under "KEY" (summary.json is one key a line).
json_num() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *\([-0-9.eE+]*\).*/\1/'; }

# col CSV COLUMN: that column's values, one a line.
col() {
  awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==c) k=i; next} {print $k}' "$1"
}

# finish: print the counts and exit 0 only if every check passed.
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
}
